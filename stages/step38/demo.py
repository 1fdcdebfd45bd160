"""Step 38 demo: reshape and transpose, as functions and as Variable methods."""

import argparse

import numpy as np

import dezero.functions as F
from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step38",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # reshape: the gradient comes back in x's shape, not y's.
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    y = F.reshape(x, (6,))
    y.backward(retain_grad=True)
    print("reshape(x, (6,)):", y)
    print("x.grad:", x.grad)

    # transpose: likewise, the (3, 2) gradient is turned back into (2, 3).
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    y = F.transpose(x)
    y.backward()
    print("transpose(x):", y)
    print("x.grad:", x.grad)

    # The methods take a shape as one tuple or as separate ints, like numpy.
    x = Variable(np.random.randn(1, 2, 3))
    print("x.reshape((2, 3)).shape:", x.reshape((2, 3)).shape)
    print("x.reshape(2, 3).shape:", x.reshape(2, 3).shape)

    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    print("x.transpose():", x.transpose())
    print("x.T:", x.T)

    # With axes, transpose puts them in any order: axis 1 first, and so on.
    x = Variable(np.random.rand(1, 2, 3, 4))
    y = x.transpose(1, 0, 3, 2)
    print("x.transpose(1, 0, 3, 2): shape", x.shape, "->", y.shape)


if __name__ == "__main__":
    main()
