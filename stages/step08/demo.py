"""Step 08 demo: the loop-based backward, and a chain too deep to recurse."""

import argparse
import sys

import numpy as np

from dezero import Exp, Square, Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step08",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    A = Square()
    B = Exp()
    C = Square()

    x = Variable(np.array(0.5))
    y = C(B(A(x)))
    y.grad = np.array(1.0)
    y.backward()
    print("x.grad:", x.grad)

    # 1000 squares in a row: step 7's recursive backward needs one Python
    # frame per function and stops at the recursion limit; the loop does not.
    # At x = 1 every square is 1 and every local derivative is 2, so the
    # gradient is exactly 2 ** 1000 (still a finite float64).
    n = 1000
    x = Variable(np.array(1.0))
    y = x
    for _ in range(n):
        y = Square()(y)
    y.grad = np.array(1.0)
    y.backward()
    print(f"recursion limit: {sys.getrecursionlimit()}, chain length: {n}")
    print("x.grad == 2 ** 1000:", x.grad == 2.0 ** n)


if __name__ == "__main__":
    main()
