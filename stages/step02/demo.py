"""Step 02 demo: a Function turns one Variable into another."""

import argparse

import numpy as np

from dezero import Square, Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step02",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    x = Variable(np.array(10))
    f = Square()
    y = f(x)
    print("type(y):", type(y).__name__)
    print("Square()(10):", y.data)


if __name__ == "__main__":
    main()
