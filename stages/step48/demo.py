"""Step 48 demo: three-class classification of the spiral data, mini-batch SGD."""

import argparse
import math
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero  # noqa: E402
import dezero.functions as F  # noqa: E402
from dezero import optimizers  # noqa: E402
from dezero.models import MLP  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step48",
                        help="folder for spiral_regions.png and loss.png")
    return parser.parse_args()


def plot_regions(model, x, t, to_file):
    """The class the model picks at each point of the plane, and the data."""
    h = 0.01
    x_min, x_max = x[:, 0].min() - 0.1, x[:, 0].max() + 0.1
    y_min, y_max = x[:, 1].min() - 0.1, x[:, 1].max() + 0.1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))
    grid = np.c_[xx.ravel(), yy.ravel()].astype(np.float32)
    with dezero.no_grad():
        score = model(grid)
    predict_cls = np.argmax(score.data, axis=1).reshape(xx.shape)

    fig, ax = plt.subplots(figsize=(6, 6))
    ax.contourf(xx, yy, predict_cls, levels=[-0.5, 0.5, 1.5, 2.5],
                colors=["#cfe0f5", "#f7d9c4", "#d3eecd"])
    markers, colors = ["o", "x", "^"], ["tab:blue", "tab:orange", "tab:green"]
    for c in range(3):
        points = x[t == c]
        ax.scatter(points[:, 0], points[:, 1], s=30, marker=markers[c],
                   color=colors[c], label=f"class {c}")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_title("Spiral data and the regions the model assigns to each class")
    ax.legend(loc="upper right")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    # The book's settings.
    max_epoch = 300
    batch_size = 30
    hidden_size = 10
    lr = 1.0

    x, t = dezero.datasets.get_spiral(train=True)
    model = MLP((hidden_size, 3))
    optimizer = optimizers.SGD(lr).setup(model)

    data_size = len(x)
    max_iter = math.ceil(data_size / batch_size)

    losses = []
    for epoch in range(max_epoch):
        # A new order each epoch, so that the batches differ from epoch to epoch.
        index = np.random.permutation(data_size)
        sum_loss = 0

        for i in range(max_iter):
            batch_index = index[i * batch_size:(i + 1) * batch_size]
            batch_x = x[batch_index]
            batch_t = t[batch_index]

            y = model(batch_x)
            loss = F.softmax_cross_entropy(y, batch_t)
            model.cleargrads()
            loss.backward()
            optimizer.update()

            sum_loss += float(loss.data) * len(batch_t)

        avg_loss = sum_loss / data_size
        losses.append(avg_loss)
        print("epoch %d, loss %.2f" % (epoch + 1, avg_loss))

    with dezero.no_grad():
        y = model(x)
    acc = float(np.mean(np.argmax(y.data, axis=1) == t))
    print(f"training accuracy: {acc:.1%}")

    plot_regions(model, x, t, os.path.join(args.out, "spiral_regions.png"))

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(np.arange(1, max_epoch + 1), losses)
    ax.set_xlabel("epoch")
    ax.set_ylabel("average loss (softmax cross entropy)")
    ax.set_title("Training loss on the spiral data")
    to_file = os.path.join(args.out, "loss.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
