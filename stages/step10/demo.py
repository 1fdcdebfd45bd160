"""Step 10 demo: check backprop against numerical differentiation."""

import argparse

import numpy as np

from dezero import Variable, exp, gradient_check, square


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step10",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # The book's hand-written expectations.
    x = Variable(np.array(2.0))
    print("square(2.0):", square(x).data)

    x = Variable(np.array(3.0))
    y = square(x)
    y.backward()
    print("d square(x)/dx at 3.0:", x.grad)

    # Automatic check on random input: backprop agrees with central differences.
    rng = np.random.default_rng(0)
    x = Variable(rng.random(1))
    print("gradient_check(square):", gradient_check(square, x))
    x = Variable(rng.random((2, 3)))
    print("gradient_check(exp):", gradient_check(exp, x))


if __name__ == "__main__":
    main()
