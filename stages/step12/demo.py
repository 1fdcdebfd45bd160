"""Step 12 demo: pass inputs as separate arguments, get one Variable back."""

import argparse

import numpy as np

from dezero import Variable, add, exp, square


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step12",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    x0 = Variable(np.array(2))
    x1 = Variable(np.array(3))
    y = add(x0, x1)
    print("add(2, 3):", y.data)

    # Single-input functions still backpropagate as before.
    x = Variable(np.array(0.5))
    y = square(exp(square(x)))
    y.backward()
    print("x.grad:", x.grad)


if __name__ == "__main__":
    main()
