"""Step 24 demo: gradients of the sphere, matyas and Goldstein-Price functions."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step24",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


# Each function is written as its formula, with nothing DeZero-specific in
# it: the operators on Variable build the graph as the formula is evaluated.

def sphere(x, y):
    return x ** 2 + y ** 2


def matyas(x, y):
    return 0.26 * (x ** 2 + y ** 2) - 0.48 * x * y


def goldstein(x, y):
    return ((1 + (x + y + 1) ** 2
             * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2))
            * (30 + (2 * x - 3 * y) ** 2
               * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y
                  + 27 * y ** 2)))


def main():
    parse_args()

    for name, f in [("sphere", sphere), ("matyas", matyas),
                    ("Goldstein-Price", goldstein)]:
        x = Variable(np.array(1.0))
        y = Variable(np.array(1.0))
        z = f(x, y)
        z.backward()
        print(f"{name} at (1, 1): z = {z.data}, "
              f"dz/dx = {x.grad}, dz/dy = {y.grad}")


if __name__ == "__main__":
    main()
