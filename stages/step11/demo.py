"""Step 11 demo: a Function with two inputs, called with a list."""

import argparse

import numpy as np

from dezero import Add, Variable, exp, square


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step11",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    xs = [Variable(np.array(2)), Variable(np.array(3))]
    f = Add()
    ys = f(xs)
    y = ys[0]
    print("Add()([2, 3])[0]:", y.data)

    # Single-input functions still backpropagate as before.
    x = Variable(np.array(0.5))
    y = square(exp(square(x)))
    y.backward()
    print("x.grad:", x.grad)


if __name__ == "__main__":
    main()
