"""Step 40 demo: broadcast_to and sum_to, and operators on differently shaped operands."""

import argparse

import numpy as np

import dezero.functions as F
from dezero import Variable
from dezero.utils import sum_to


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step40",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # numpy's broadcast_to copies x along a new axis ...
    x = np.array([1, 2, 3])
    print("np.broadcast_to([1, 2, 3], (2, 3)):")
    print(np.broadcast_to(x, (2, 3)))

    # ... and sum_to, its reverse, sums the copies back.
    x = np.array([[1, 2, 3], [4, 5, 6]])
    print("sum_to(x, (1, 3)):", sum_to(x, (1, 3)))
    print("sum_to(x, (2, 1)):", sum_to(x, (2, 1)).ravel(), "(shape (2, 1))")

    # As DeZero functions, each is the other's backward.
    x = Variable(np.array([1.0, 2.0, 3.0]))
    y = F.broadcast_to(x, (2, 3))
    y.backward()
    print("broadcast_to(x, (2, 3)):", y)
    print("x.grad:", x.grad)

    # Adding (3,) and (1,): numpy uses x1's one element three times, and
    # x1's gradient is the sum of those three: shape (1,), not (3,).
    x0 = Variable(np.array([1, 2, 3]))
    x1 = Variable(np.array([10]))
    y = x0 + x1
    print("x0 + x1:", y)
    y.backward()
    print("x1.grad:", x1.grad)


if __name__ == "__main__":
    main()
