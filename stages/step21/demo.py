"""Step 21 demo: mix Variables with ndarrays, ints and floats."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step21",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    x = Variable(np.array(2.0))
    print("x + np.array(3.0):", x + np.array(3.0))
    print("x + 3.0:", x + 3.0)
    print("3.0 * x + 1.0:", 3.0 * x + 1.0)

    # The ndarray is on the left: __array_priority__ makes numpy defer to x.
    y = np.array([2.0]) + x
    print("np.array([2.0]) + x:", y, " type:", type(y).__name__)

    y = 3.0 * x + 1.0
    y.backward()
    print("d(3x + 1)/dx:", x.grad)


if __name__ == "__main__":
    main()
