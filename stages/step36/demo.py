"""Step 36 demo: double backprop, a gradient used inside a new function."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step36",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # y = x ** 2 and z = (dy/dx) ** 3 + y = (2x) ** 3 + x ** 2, so
    # dz/dx = 24x ** 2 + 2x: 100 at x = 2.
    x = Variable(np.array(2.0))
    y = x ** 2
    y.backward(create_graph=True)
    gx = x.grad
    print("y = x ** 2 at 2.0; dy/dx:", gx)

    # Clear x.grad, or z's gradient would be added onto dy/dx.
    x.cleargrad()
    z = gx ** 3 + y
    z.backward()
    print("z = (dy/dx) ** 3 + y; dz/dx:", x.grad)


if __name__ == "__main__":
    main()
