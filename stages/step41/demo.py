"""Step 41 demo: the matrix product F.matmul and the shapes of its gradients."""

import argparse

import numpy as np

import dezero.functions as F
from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step41",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # numpy's dot: the inner product of vectors, the product of matrices.
    a = np.array([1, 2, 3])
    b = np.array([4, 5, 6])
    print("np.dot of two vectors:", np.dot(a, b))
    a = np.array([[1, 2], [3, 4]])
    b = np.array([[5, 6], [7, 8]])
    print("np.dot of two matrices:")
    print(np.dot(a, b))

    # F.matmul of (2, 3) by (3, 4) gives (2, 4); each gradient comes back in
    # its input's shape.
    x = Variable(np.random.randn(2, 3))
    W = Variable(np.random.randn(3, 4))
    y = F.matmul(x, W)
    y.backward()
    print("y = matmul(x, W): x", x.shape, "W", W.shape, "y", y.shape)
    print("x.grad.shape:", x.grad.shape)
    print("W.grad.shape:", W.grad.shape)


if __name__ == "__main__":
    main()
