"""Step 16 demo: backward in generation order through a branching graph."""

import argparse

import numpy as np

from dezero import Variable, add, square


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step16",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # x -> a -> (two squares) -> y: a branches and joins again.
    x = Variable(np.array(2.0))
    a = square(x)
    y = add(square(a), square(a))
    y.backward()

    print("generations: x", x.generation, " a", a.generation,
          " y", y.generation)
    print("y = (x**2)**2 + (x**2)**2 at 2.0:", y.data)
    print("x.grad:", x.grad)


if __name__ == "__main__":
    main()
