"""Step 42 demo: linear regression by gradient descent, with mean_squared_error."""

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
    parser.add_argument("--out", default="out/step42",
                        help="folder for the figure linear_regression.png")
    return parser.parse_args()


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    # A toy data set: y = 5 + 2x plus noise in [0, 1), 100 points.
    np.random.seed(0)
    x = np.random.rand(100, 1)
    y = 5 + 2 * x + np.random.rand(100, 1)
    x, y = Variable(x), Variable(y)

    # The model y = x W + b, with W of shape (1, 1) and b of shape (1,),
    # both starting at zero.
    W = Variable(np.zeros((1, 1)))
    b = Variable(np.zeros(1))

    def predict(x):
        # (100, 1) times (1, 1) is (100, 1); b is broadcast to every row.
        return F.matmul(x, W) + b

    lr = 0.1
    iters = 100

    for i in range(iters):
        y_pred = predict(x)
        loss = F.mean_squared_error(y, y_pred)

        W.cleargrad()
        b.cleargrad()
        loss.backward()

        # Update the ndarrays themselves: the update is not part of any
        # graph, so it need not be a DeZero computation.
        W.data -= lr * W.grad.data
        b.data -= lr * b.grad.data
        print(W, b, loss)

    # The data and the fitted line y = W x + b.
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.scatter(x.data[:, 0], y.data[:, 0], s=12, label="data")
    line_x = np.array([[0.0], [1.0]])
    line_y = predict(line_x).data
    ax.plot(line_x[:, 0], line_y[:, 0], color="red",
            label=f"y = {W.data[0, 0]:.3f} x + {b.data[0]:.3f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"Linear regression after {iters} steps (loss {float(loss.data):.4f})")
    ax.legend(loc="upper left")
    to_file = os.path.join(args.out, "linear_regression.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
