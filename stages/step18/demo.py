"""Step 18 demo: dropped intermediate gradients, retain_grad and no_grad."""

import argparse

import numpy as np

from dezero import Variable, add, no_grad, square, using_config


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step18",
                        help="folder for figures (this step writes none)")
    return parser.parse_args()


def main():
    parse_args()

    # By default only the inputs keep their gradients after backward().
    x0 = Variable(np.array(1.0))
    x1 = Variable(np.array(1.0))
    t = add(x0, x1)
    y = add(x0, t)
    y.backward()
    print("y.grad, t.grad:", y.grad, t.grad)
    print("x0.grad, x1.grad:", x0.grad, x1.grad)

    # retain_grad=True keeps every gradient, e.g. for inspection.
    x0.cleargrad()
    x1.cleargrad()
    t = add(x0, x1)
    y = add(x0, t)
    y.backward(retain_grad=True)
    print("with retain_grad=True, y.grad, t.grad:", y.grad, t.grad)

    # Without backprop no graph is recorded: nothing links y back to x.
    with using_config("enable_backprop", False):
        x = Variable(np.ones((100, 100, 100)))
        y = square(square(square(x)))
        print("using_config('enable_backprop', False): y.creator is",
              y.creator)

    with no_grad():
        x = Variable(np.array(2.0))
        y = square(x)
        print("no_grad(): y =", y.data, " y.creator is", y.creator)

    # Outside the with-block backprop is on again.
    y = square(x)
    print("after the block: y.creator is", type(y.creator).__name__)


if __name__ == "__main__":
    main()
