"""Step 23 demo: DeZero is now a package, imported as `from dezero import ...`."""

import argparse

import numpy as np

import dezero
from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step23",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    print("dezero imported from:", dezero.__file__)
    print("is_simple_core:", dezero.is_simple_core)

    # The book's check that the package works: (x + 3) ** 2 at x = 1.
    x = Variable(np.array(1.0))
    y = (x + 3) ** 2
    y.backward()
    print("y = (x + 3) ** 2 at 1.0:", y)
    print("x.grad:", x.grad)


if __name__ == "__main__":
    main()
