"""Step 13 demo: backpropagate through a function with two inputs."""

import argparse

import numpy as np

from dezero import Variable, add, square


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step13",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    x = Variable(np.array(2.0))
    y = Variable(np.array(3.0))

    z = add(square(x), square(y))
    z.backward()
    print("z = x**2 + y**2 at (2, 3):", z.data)
    print("x.grad:", x.grad)
    print("y.grad:", y.grad)


if __name__ == "__main__":
    main()
