"""Step 06 demo: backpropagate through square(exp(square(x))) by hand."""

import argparse

import numpy as np

from dezero import Exp, Square, Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step06",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    A = Square()
    B = Exp()
    C = Square()

    # Forward pass: x -> a -> b -> y.
    x = Variable(np.array(0.5))
    a = A(x)
    b = B(a)
    y = C(b)

    # Backward pass, in the reverse order, starting from dy/dy = 1.
    y.grad = np.array(1.0)
    b.grad = C.backward(y.grad)
    a.grad = B.backward(b.grad)
    x.grad = A.backward(a.grad)
    print("x.grad:", x.grad)


if __name__ == "__main__":
    main()
