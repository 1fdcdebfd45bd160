"""Step 09 demo: square() and exp(), backward without a seed, type checks."""

import argparse

import numpy as np

from dezero import Variable, exp, square


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step09",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    x = Variable(np.array(0.5))
    y = square(exp(square(x)))
    # No y.grad = np.array(1.0) needed any more.
    y.backward()
    print("x.grad:", x.grad)

    # 0-d results stay ndarrays instead of becoming numpy scalars.
    print("type(y.data):", type(y.data).__name__)

    # Anything but an ndarray (or None) is refused.
    Variable(None)
    try:
        Variable(1.0)
    except TypeError as e:
        print("Variable(1.0) -> TypeError:", e)


if __name__ == "__main__":
    main()
