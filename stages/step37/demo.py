"""Step 37 demo: functions on arrays work element by element; a sum and its gradient.

The book's program for this step calls F.sum, which the package gains only in
step 39. Its sum of all elements is a few lines, so this demo defines it here.
"""

import argparse

import numpy as np

import dezero.functions as F
from dezero import Function, Variable


class Sum(Function):
    """y = the sum of all the elements of x: what the book's F.sum(x) does here."""

    def forward(self, x):
        self.x_shape = x.shape
        return x.sum()

    def backward(self, gy):
        # Every element adds into y once, so each one's gradient is gy: ones
        # of x's shape times gy copy it to every element.
        return gy * np.ones(self.x_shape, dtype=gy.dtype)


def sum_all(x):
    """The book's F.sum(x), until the package has it (step 39)."""
    return Sum()(x)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step37",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # A 0-d array, as in every step so far ...
    x = Variable(np.array(1.0))
    y = F.sin(x)
    print("sin(1.0):", y)

    # ... and a 2x3 array: sin is applied to each element on its own.
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    y = F.sin(x)
    print("sin of a 2x3 array:", y)

    # Operators too work element by element on arrays of the same shape.
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    c = Variable(np.array([[10, 20, 30], [40, 50, 60]]))
    y = x + c
    print("x + c:", y)

    # Backprop through a tensor: the gradient of every variable has the
    # shape of its data. Summing to a scalar first gives y a single value,
    # whose gradient dy/dy = 1 starts backprop.
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    c = Variable(np.array([[10, 20, 30], [40, 50, 60]]))
    t = x + c
    y = sum_all(t)  # the book: F.sum(t)
    y.backward(retain_grad=True)
    print("y = sum(x + c):", y)
    print("y.grad:", y.grad)
    print("t.grad:", t.grad)
    print("x.grad:", x.grad)
    print("c.grad:", c.grad)


if __name__ == "__main__":
    main()
