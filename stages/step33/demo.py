"""Step 33 demo: Newton's method with the second derivative from backprop."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step33",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def f(x):
    return x ** 4 - 2 * x ** 2


def main():
    parse_args()

    # f'(x) = 4x**3 - 4x and f''(x) = 12x**2 - 4: 24 and 44 at x = 2.
    x = Variable(np.array(2.0))
    y = f(x)
    y.backward(create_graph=True)
    print("f'(2):", x.grad)
    gx = x.grad
    x.cleargrad()
    gx.backward()
    print("f''(2):", x.grad)

    # Without cleargrad the second backward adds f'' onto f' in x.grad.
    x = Variable(np.array(2.0))
    y = f(x)
    y.backward(create_graph=True)
    gx = x.grad
    gx.backward()
    print("f''(2) without cleargrad (f' + f'' = 24 + 44):", x.grad)

    # Newton's method, x <- x - f'(x) / f''(x), with no hand-coded f''.
    x = Variable(np.array(2.0))
    iters = 10
    for i in range(iters):
        print(i, x)
        y = f(x)
        x.cleargrad()
        y.backward(create_graph=True)

        gx = x.grad
        x.cleargrad()
        gx.backward()
        gx2 = x.grad

        x.data -= gx.data / gx2.data


if __name__ == "__main__":
    main()
