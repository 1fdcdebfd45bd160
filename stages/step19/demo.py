"""Step 19 demo: a Variable answers like an ndarray and prints like one."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step19",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]), name="x")
    print("name:", x.name)
    print("shape:", x.shape)
    print("ndim:", x.ndim)
    print("size:", x.size)
    print("dtype:", x.dtype)
    print("len:", len(x))
    print(repr(x))
    print(Variable(None))


if __name__ == "__main__":
    main()
