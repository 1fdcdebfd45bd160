"""Step 27 demo: sin and its Taylor series, their derivatives and graphs."""

import argparse
import math
import os

import numpy as np

from dezero import Variable, sin
from dezero.utils import plot_dot_graph


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step27",
                        help="folder for the graphs' pictures and DOT text")
    return parser.parse_args()


def my_sin(x, threshold=0.0001):
    """sin(x) by its Taylor series at 0: the sum of (-1)**i x**(2i+1) / (2i+1)!

    Terms are added until one is smaller than threshold, so a smaller
    threshold means more terms, and a larger graph.
    """
    y = 0
    for i in range(100000):
        c = (-1) ** i / math.factorial(2 * i + 1)
        t = c * x ** (2 * i + 1)
        y = y + t
        if abs(t.data) < threshold:
            break
    return y


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    x = Variable(np.array(np.pi / 4))
    y = sin(x)
    y.backward()
    print("sin(pi/4):", y.data)
    print("d sin/dx at pi/4:", x.grad)

    x = Variable(np.array(np.pi / 4))
    y = my_sin(x)
    y.backward()
    print("my_sin(pi/4) (threshold 1e-4):", y.data)
    print("d my_sin/dx at pi/4:", x.grad)

    # A smaller threshold adds terms until they underflow: a longer graph.
    for threshold, name in [(1e-4, "my_sin_1e-4.png"),
                            (1e-150, "my_sin_1e-150.png")]:
        x = Variable(np.array(np.pi / 4), name="x")
        y = my_sin(x, threshold=threshold)
        y.name = "y"
        to_file = os.path.join(args.out, name)
        try:
            plot_dot_graph(y, verbose=False, to_file=to_file)
            print(f"threshold {threshold}: y = {y.data}, graph in {to_file}")
        except RuntimeError as err:
            # No graphviz: the .dot text is written all the same; say where.
            print(err)


if __name__ == "__main__":
    main()
