"""Step 47 demo: slicing with a gradient, softmax and cross entropy."""

import argparse

import numpy as np

import dezero.functions as F
from dezero import Variable, as_variable
from dezero.models import MLP


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step47",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def softmax1d(x):
    """Softmax of a single vector of scores, as the book first writes it."""
    x = as_variable(x)
    y = F.exp(x)
    sum_y = F.sum(y)
    return y / sum_y


def main():
    parse_args()

    # get_item picks elements; its gradient goes back to those elements.
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    y = F.get_item(x, 1)
    print("x[1]:", y)
    y.backward()
    print("gradient of x[1] with respect to x:", x.grad)

    # An index picked twice gets both gradients (np.add.at).
    x.cleargrad()
    indices = np.array([0, 0, 1])
    y = F.get_item(x, indices)
    print("x[[0, 0, 1]]:", y)
    y.backward()
    print("its gradient:", x.grad)

    # Variable.__getitem__ is get_item, so ordinary indexing works.
    print("x[1]:", x[1])
    print("x[:, 2]:", x[:, 2])

    # Softmax turns a model's scores into probabilities.
    np.random.seed(0)
    model = MLP((10, 3))

    x = np.array([[0.2, -0.4]])
    y = model(x)
    p = softmax1d(y)
    print("scores:", y)
    print("softmax1d:", p)

    x = np.array([[0.2, -0.4], [0.3, 0.5], [1.3, -3.2], [2.1, 0.3]])
    t = np.array([2, 0, 1, 0])
    y = model(x)
    p = F.softmax(y)
    print("scores of a batch of 4:", y)
    print("softmax along axis 1:", p)

    loss = F.softmax_cross_entropy(y, t)
    loss.backward()
    print("softmax_cross_entropy:", loss)
    loss_simple = F.softmax_cross_entropy_simple(y, t)
    print("softmax_cross_entropy_simple:", loss_simple)

    # The stable version does not overflow where exp(1000) would: label 1
    # has probability e ** -1000, so its loss is 1000.
    big = Variable(np.array([[1000.0, 0.0, -1000.0]]))
    print("softmax_cross_entropy of scores (1000, 0, -1000), label 1:",
          F.softmax_cross_entropy(big, np.array([1])))


if __name__ == "__main__":
    main()
