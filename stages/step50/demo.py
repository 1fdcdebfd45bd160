"""Step 50 demo: DataLoader batches, with loss and accuracy on training and test data."""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero  # noqa: E402
import dezero.functions as F  # noqa: E402
from dezero import DataLoader, optimizers  # noqa: E402
from dezero.models import MLP  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step50",
                        help="folder for the figure curves.png")
    return parser.parse_args()


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    max_epoch = 300
    batch_size = 30
    hidden_size = 10
    lr = 1.0

    train_set = dezero.datasets.Spiral(train=True)
    test_set = dezero.datasets.Spiral(train=False)
    train_loader = DataLoader(train_set, batch_size)
    # The test data is only measured: its order does not matter.
    test_loader = DataLoader(test_set, batch_size, shuffle=False)

    model = MLP((hidden_size, 3))
    optimizer = optimizers.SGD(lr).setup(model)

    history = {"train loss": [], "train accuracy": [],
               "test loss": [], "test accuracy": []}
    for epoch in range(max_epoch):
        sum_loss, sum_acc = 0, 0

        for x, t in train_loader:
            y = model(x)
            loss = F.softmax_cross_entropy(y, t)
            acc = F.accuracy(y, t)
            model.cleargrads()
            loss.backward()
            optimizer.update()

            sum_loss += float(loss.data) * len(t)
            sum_acc += float(acc.data) * len(t)

        print("epoch: {}".format(epoch + 1))
        print("train loss: {:.4f}, accuracy: {:.4f}".format(
            sum_loss / len(train_set), sum_acc / len(train_set)))
        history["train loss"].append(sum_loss / len(train_set))
        history["train accuracy"].append(sum_acc / len(train_set))

        sum_loss, sum_acc = 0, 0
        # Testing needs no gradients: no graph, less memory.
        with dezero.no_grad():
            for x, t in test_loader:
                y = model(x)
                loss = F.softmax_cross_entropy(y, t)
                acc = F.accuracy(y, t)
                sum_loss += float(loss.data) * len(t)
                sum_acc += float(acc.data) * len(t)

        print("test loss: {:.4f}, accuracy: {:.4f}".format(
            sum_loss / len(test_set), sum_acc / len(test_set)))
        history["test loss"].append(sum_loss / len(test_set))
        history["test accuracy"].append(sum_acc / len(test_set))

    epochs = np.arange(1, max_epoch + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    for name in ("train", "test"):
        ax_loss.plot(epochs, history[name + " loss"], label=name)
        ax_acc.plot(epochs, history[name + " accuracy"], label=name)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss (softmax cross entropy)")
    ax_loss.set_title("Loss")
    ax_loss.legend()
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1)
    ax_acc.set_title("Accuracy")
    ax_acc.legend()
    fig.suptitle("MLP((10, 3)) on the spiral data, SGD lr 1.0, batches of 30")
    fig.tight_layout()
    to_file = os.path.join(args.out, "curves.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
