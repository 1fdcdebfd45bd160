"""Step 14 demo: gradients of a variable used more than once add up."""

import argparse

import numpy as np

from dezero import Variable, add


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step14",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # y = x + x, so dy/dx = 2.
    x = Variable(np.array(3.0))
    y = add(x, x)
    y.backward()
    print("y = x + x at 3.0:", y.data, " x.grad:", x.grad)

    # Reuse x in a second calculation: clear the old gradient first,
    # or it would be added to the new one.
    x.cleargrad()
    y = add(add(x, x), x)
    y.backward()
    print("y = (x + x) + x at 3.0:", y.data, " x.grad:", x.grad)


if __name__ == "__main__":
    main()
