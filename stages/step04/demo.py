"""Step 04 demo: derivatives by the central difference."""

import argparse

import numpy as np

from dezero import Exp, Square, Variable, numerical_diff


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step04",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def composite(x):
    """y = (e ** (x ** 2)) ** 2, built by chaining three functions."""
    A = Square()
    B = Exp()
    C = Square()
    return C(B(A(x)))


def main():
    parse_args()

    f = Square()
    x = Variable(np.array(2.0))
    dy = numerical_diff(f, x)
    print("d(x**2)/dx at 2.0:", dy)

    x = Variable(np.array(0.5))
    dy = numerical_diff(composite, x)
    print("d square(exp(square(x)))/dx at 0.5:", dy)


if __name__ == "__main__":
    main()
