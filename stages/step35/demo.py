"""Step 35 demo: the graph of tanh's n-th derivative, and how fast it grows."""

import argparse
import os

import numpy as np

import dezero.functions as F
from dezero import Variable
from dezero.utils import get_dot_graph, plot_dot_graph


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step35",
                        help="folder for the graphs' pictures and DOT text")
    parser.add_argument("--order", type=int, default=6,
                        help="which derivative's graph to draw (default 6; "
                        "dot takes seconds for 6, minutes for 7, far longer "
                        "beyond)")
    args = parser.parse_args()
    if args.order < 1:
        parser.error(f"--order must be 1 or more, got {args.order}")
    return args


def count_nodes(v):
    """Variables and functions in the graph that computed v."""
    # One line per node in the DOT text, each with a label; edges have none.
    return sum(1 for line in get_dot_graph(v, verbose=False).splitlines()
               if "[label=" in line)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    x = Variable(np.array(1.0))
    y = F.tanh(x)
    x.name = "x"
    y.name = "y"
    y.backward(create_graph=True)

    # x.grad holds the 1st derivative; each backward on it gives the next.
    for order in range(1, args.order + 1):
        gx = x.grad
        gx.name = "gx" + str(order)
        print(f"derivative {order}: value {gx.data:.6f}, "
              f"graph of {count_nodes(gx)} nodes")
        if order < args.order:
            x.cleargrad()
            gx.backward(create_graph=True)

    to_file = os.path.join(args.out, "tanh.png")
    try:
        plot_dot_graph(gx, verbose=False, to_file=to_file)
        print(f"graph of derivative {args.order} drawn in {to_file}")
    except RuntimeError as err:
        # No graphviz: the .dot text is written all the same; say where.
        print(err)


if __name__ == "__main__":
    main()
