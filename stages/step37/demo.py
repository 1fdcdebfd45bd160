"""Step 37 demo: functions on arrays work element by element; F.sum and its gradient."""

import argparse

import numpy as np

import dezero.functions as F
from dezero import Variable


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
    y = F.sum(t)
    y.backward(retain_grad=True)
    print("y = sum(x + c):", y)
    print("y.grad:", y.grad)
    print("t.grad:", t.grad)
    print("x.grad:", x.grad)
    print("c.grad:", c.grad)


if __name__ == "__main__":
    main()
