"""Step 26 demo: the Goldstein-Price function's graph, drawn with graphviz."""

import argparse
import os

import numpy as np

from dezero import Variable
from dezero.utils import get_dot_graph, plot_dot_graph


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step26",
                        help="folder for the graph's picture and DOT text")
    return parser.parse_args()


def goldstein(x, y):
    return ((1 + (x + y + 1) ** 2
             * (19 - 14 * x + 3 * x ** 2 - 14 * y + 6 * x * y + 3 * y ** 2))
            * (30 + (2 * x - 3 * y) ** 2
               * (18 - 32 * x + 12 * x ** 2 + 48 * y - 36 * x * y
                  + 27 * y ** 2)))


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    # A small graph first, to read the DOT text itself: y = x0 + x1.
    x0 = Variable(np.array(1.0), name="x0")
    x1 = Variable(np.array(1.0), name="x1")
    y = x0 + x1
    y.name = "y"
    print("DOT text of y = x0 + x1 (verbose):")
    print(get_dot_graph(y, verbose=True))

    x = Variable(np.array(1.0), name="x")
    y = Variable(np.array(1.0), name="y")
    z = goldstein(x, y)
    z.name = "z"
    z.backward()
    print("Goldstein-Price at (1, 1): dz/dx =", x.grad, " dz/dy =", y.grad)

    dot_text = get_dot_graph(z, verbose=False)
    # Node lines carry a label; edge lines ("a -> b") do not.
    nodes = sum(1 for line in dot_text.splitlines() if "[label=" in line)
    edges = sum(1 for line in dot_text.splitlines() if " -> " in line)
    print(f"its graph: {nodes} nodes, {edges} edges")

    to_file = os.path.join(args.out, "goldstein.png")
    try:
        plot_dot_graph(z, verbose=False, to_file=to_file)
        print("wrote", to_file)
    except RuntimeError as err:
        # No graphviz: the .dot text is written all the same; say where.
        print(err)


if __name__ == "__main__":
    main()
