"""Step 20 demo: write y = a * b + c with operators and backpropagate."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step20",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    a = Variable(np.array(3.0))
    b = Variable(np.array(2.0))
    c = Variable(np.array(1.0))

    y = a * b + c  # the same graph as add(mul(a, b), c)
    y.backward()

    print("y = a * b + c:", y)
    print("a.grad:", a.grad)
    print("b.grad:", b.grad)


if __name__ == "__main__":
    main()
