"""Step 22 demo: -, / and ** on Variables, on either side."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step22",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    x = Variable(np.array(2.0))
    print("-x:", -x)
    print("2.0 - x:", 2.0 - x)
    print("x - 1.0:", x - 1.0)
    print("3.0 / x:", 3.0 / x)
    print("x ** 3:", x ** 3)

    y = x ** 3
    y.backward()
    print("d(x**3)/dx at 2.0:", x.grad)


if __name__ == "__main__":
    main()
