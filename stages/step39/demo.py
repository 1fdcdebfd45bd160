"""Step 39 demo: sum along axes, with keepdims, and its gradient."""

import argparse

import numpy as np

import dezero.functions as F
from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step39",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # The sum of all elements: every element gets the gradient 1.
    x = Variable(np.array([1, 2, 3, 4, 5, 6]))
    y = F.sum(x)
    y.backward()
    print("sum of a vector:", y)
    print("x.grad:", x.grad)

    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    y = F.sum(x)
    y.backward()
    print("sum of a 2x3 matrix:", y)
    print("x.grad:", x.grad)

    # Along axis 0, the columns are summed: y has shape (3,), and the
    # gradient still comes back in x's shape (2, 3).
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    y = F.sum(x, axis=0)
    y.backward()
    print("sum along axis 0:", y)
    print("x.grad:", x.grad)

    # keepdims=True keeps the summed axes, as length 1.
    x = Variable(np.random.randn(2, 3, 4, 5))
    y = x.sum(keepdims=True)
    print("x.sum(keepdims=True).shape for x of shape (2, 3, 4, 5):", y.shape)


if __name__ == "__main__":
    main()
