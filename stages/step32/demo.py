"""Step 32 demo: gradients are Variables, and can be differentiated again."""

import argparse

import numpy as np

from dezero import Variable, sin


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step32",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # By default backward() records no graph for the gradient's computation.
    x = Variable(np.array(2.0))
    y = x ** 3
    y.backward()
    print("y = x ** 3 at 2.0; x.grad:", x.grad)
    print("x.grad is a", type(x.grad).__name__,
          "with creator", x.grad.creator, "(no graph recorded)")

    # With create_graph=True it does, so the gradient has a creator and
    # backward() can run on it: d(3x**2)/dx = 6x = 12 at 2.0.
    x = Variable(np.array(2.0))
    y = x ** 3
    y.backward(create_graph=True)
    gx = x.grad
    print("with create_graph=True, x.grad:", gx,
          "made by", type(gx.creator).__name__)
    x.cleargrad()  # otherwise the second derivative adds to the first
    gx.backward()
    print("second derivative of x ** 3 at 2.0:", x.grad)

    # sin's derivative is cos, written with Variables, so it goes on too.
    x = Variable(np.array(1.0))
    y = sin(x)
    y.backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward()
    print("d sin/dx at 1.0:", gx, " (cos 1 =", np.cos(1.0), ")")
    print("d2 sin/dx2 at 1.0:", x.grad, " (-sin 1 =", -np.sin(1.0), ")")


if __name__ == "__main__":
    main()
