"""Step 01 demo: put an array in a Variable and change what the box holds."""

import argparse

import numpy as np

from dezero import Variable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step01",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    data = np.array(1.0)
    x = Variable(data)
    print("x.data:", x.data)
    print("x.data is data:", x.data is data)

    x.data = np.array(2.0)
    print("x.data after assigning 2.0:", x.data)


if __name__ == "__main__":
    main()
