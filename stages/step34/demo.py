"""Step 34 demo: sin differentiated again and again, and its derivatives' curves."""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero.functions as F  # noqa: E402
from dezero import Variable  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step34",
                        help="folder for the figure sin_derivatives.png")
    return parser.parse_args()


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    # The n-th derivative: backward on the (n-1)-th, recording each graph.
    x = Variable(np.array(1.0))
    y = F.sin(x)
    y.backward(create_graph=True)
    print("1st derivative of sin at 1.0:", x.grad, " cos(1) =", np.cos(1.0))
    expected = [("2nd", "-sin(1)", -np.sin(1.0)),
                ("3rd", "-cos(1)", -np.cos(1.0)),
                ("4th", "sin(1)", np.sin(1.0))]
    for order, name, value in expected:
        gx = x.grad
        # Clear x.grad, or the next derivative is added onto this one.
        x.cleargrad()
        gx.backward(create_graph=True)
        print(f"{order} derivative of sin at 1.0:", x.grad, f" {name} =", value)

    # The same on 200 points at once: every operation works elementwise.
    x = Variable(np.linspace(-7, 7, 200))
    y = F.sin(x)
    y.backward(create_graph=True)

    logs = [y.data]
    for i in range(3):
        logs.append(x.grad.data)
        gx = x.grad
        x.cleargrad()
        gx.backward(create_graph=True)

    labels = ["y = sin(x)", "y'", "y''", "y'''"]
    fig, ax = plt.subplots(figsize=(8, 5))
    for values, label in zip(logs, labels):
        ax.plot(x.data, values, label=label)
    ax.set_xlabel("x")
    ax.set_title("sin and its first three derivatives, by backprop")
    # Room above the curves for the legend, so that it hides none of them.
    ax.set_ylim(-1.2, 1.6)
    ax.legend(loc="upper center", ncol=4)
    to_file = os.path.join(args.out, "sin_derivatives.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
