"""Step 07 demo: Variable.backward() walks the graph back by itself."""

import argparse

import numpy as np

from dezero import Exp, Square, Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step07",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    A = Square()
    B = Exp()
    C = Square()

    x = Variable(np.array(0.5))
    a = A(x)
    b = B(a)
    y = C(b)

    # Every link of the graph points back towards x.
    print("y.creator is C:", y.creator is C)
    print("C.input is b:", C.input is b)
    print("b.creator.input is a:", b.creator.input is a)

    # Seed the gradient by hand (step 9 will do it for us), then backprop.
    y.grad = np.array(1.0)
    y.backward()
    print("x.grad:", x.grad)


if __name__ == "__main__":
    main()
