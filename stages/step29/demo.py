"""Step 29 demo: Newton's method, with the second derivative coded by hand."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step29",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def f(x):
    return x ** 4 - 2 * x ** 2


def gx2(x):
    # f''(x), derived by hand: backprop cannot give it yet.
    return 12 * x ** 2 - 4


def main():
    parse_args()

    # Newton's method: x <- x - f'(x) / f''(x). f has minima at x = 1 and
    # x = -1; from 2.0 it reaches 1.0 in a handful of steps, where gradient
    # descent needs thousands.
    x = Variable(np.array(2.0))
    iters = 10
    for i in range(iters):
        print(i, x)
        y = f(x)
        x.cleargrad()
        y.backward()
        x.data -= x.grad / gx2(x.data)


if __name__ == "__main__":
    main()
