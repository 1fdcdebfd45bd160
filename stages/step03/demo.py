"""Step 03 demo: chain Square, Exp, Square into one composite function."""

import argparse

import numpy as np

from dezero import Exp, Square, Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step03",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    A = Square()
    B = Exp()
    C = Square()

    x = Variable(np.array(0.5))
    a = A(x)
    b = B(a)
    y = C(b)
    print("square(exp(square(0.5))):", y.data)


if __name__ == "__main__":
    main()
