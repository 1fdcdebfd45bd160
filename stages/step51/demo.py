"""Step 51 demo: the book's program, MNIST (or, offline, scikit-learn's 8x8 digits).

The book's model and settings: MLP((1000, 10)) with sigmoid, SGD (lr 0.01),
batch size 100, 5 epochs, printing the book's lines for each epoch. Offline,
the same program runs on scikit-learn's 8x8 digits (1500 training images),
where these settings learn slowly: --epochs 50 shows more. The book then
suggests MLP((1000, 1000, 10)) with ReLU and Adam.
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero  # noqa: E402
import dezero.functions as F  # noqa: E402
from dezero import DataLoader, optimizers, transforms  # noqa: E402
from dezero.datasets import MNIST, Dataset  # noqa: E402
from dezero.models import MLP  # noqa: E402


class Digits(Dataset):
    """scikit-learn's 8x8 handwritten digits (1797 images, in the package).

    Shaped like MNIST, (N, 1, 8, 8) uint8 with values 0..16, split into
    training and test data at random with a fixed seed.
    """

    def __init__(self, train=True,
                 transform=transforms.Compose([transforms.Flatten(),
                                               transforms.ToFloat(),
                                               transforms.Normalize(0., 16.)]),
                 target_transform=None):
        super().__init__(train, transform, target_transform)

    def prepare(self):
        from sklearn.datasets import load_digits

        digits = load_digits()
        images = digits.images.astype(np.uint8).reshape(-1, 1, 8, 8)
        # A fixed split, drawn from its own generator so that it leaves
        # numpy's global random numbers alone.
        order = np.random.default_rng(0).permutation(len(images))
        n_test = 297
        picked = order[n_test:] if self.train else order[:n_test]
        self.data = images[picked]
        self.label = digits.target[picked]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step51",
                        help="folder for accuracy.png and predictions.png")
    parser.add_argument("--epochs", type=int, default=5,
                        help="epochs (default 5, as in the book)")
    return parser.parse_args()


def load_data():
    """(train_set, test_set, name): MNIST if it is available, else the 8x8 digits."""
    try:
        return MNIST(train=True), MNIST(train=False), "MNIST"
    except (OSError, ValueError) as e:
        # OSError: no download; ValueError: a corrupt file in the cache.
        print(e)
    print("MNIST is not available, so this demo runs the book's program on the "
          "offline fallback, scikit-learn's 8x8 digits.")
    try:
        return Digits(train=True), Digits(train=False), "8x8 digits (offline fallback)"
    except ImportError:
        print("scikit-learn is not installed either (pip install scikit-learn); "
              "nothing to train on.")
        return None


def evaluate(model, loader):
    """Mean loss and accuracy of model over loader's batches."""
    sum_loss, sum_acc, count = 0.0, 0.0, 0
    with dezero.no_grad():
        for x, t in loader:
            y = model(x)
            sum_loss += float(F.softmax_cross_entropy(y, t).data) * len(t)
            sum_acc += float(F.accuracy(y, t).data) * len(t)
            count += len(t)
    return sum_loss / count, sum_acc / count


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    data = load_data()
    if data is None:
        return
    train_set, test_set, name = data
    # The book's settings.
    max_epoch = args.epochs
    batch_size = 100
    hidden_size = 1000
    print(f"{name}: {len(train_set)} training and {len(test_set)} test images; "
          f"MLP(({hidden_size}, 10)) with sigmoid, SGD(lr=0.01), batch size "
          f"{batch_size}, {max_epoch} epoch{'' if max_epoch == 1 else 's'}")

    np.random.seed(0)
    train_loader = DataLoader(train_set, batch_size)
    test_loader = DataLoader(test_set, batch_size, shuffle=False)

    model = MLP((hidden_size, 10))
    optimizer = optimizers.SGD().setup(model)

    train_accs, test_accs = [], []
    for epoch in range(max_epoch):
        sum_loss, sum_acc = 0.0, 0.0
        for x, t in train_loader:
            y = model(x)
            loss = F.softmax_cross_entropy(y, t)
            acc = F.accuracy(y, t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            sum_loss += float(loss.data) * len(t)
            sum_acc += float(acc.data) * len(t)
        train_loss = sum_loss / len(train_set)
        train_acc = sum_acc / len(train_set)
        test_loss, test_acc = evaluate(model, test_loader)
        train_accs.append(train_acc)
        test_accs.append(test_acc)
        # The book's lines.
        print(f"epoch: {epoch + 1}")
        print(f"train loss: {train_loss:.4f}, accuracy: {train_acc:.4f}")
        print(f"test loss: {test_loss:.4f}, accuracy: {test_acc:.4f}")

    epochs = np.arange(1, max_epoch + 1)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(epochs, train_accs, marker="o", label="train")
    ax.plot(epochs, test_accs, marker="o", label="test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{name}: accuracy per epoch\nMLP(({hidden_size}, 10)), sigmoid, SGD")
    ax.legend()
    fig.tight_layout()
    to_file = os.path.join(args.out, "accuracy.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)

    # The first test images with the label the model gives them.
    rows, cols = 4, 8
    x = np.array([test_set[i][0] for i in range(rows * cols)])
    t = np.array([test_set[i][1] for i in range(rows * cols)])
    with dezero.no_grad():
        pred = np.argmax(model(x).data, axis=1)
    side = test_set.data.shape[-1]
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.4))
    for ax, image, p, label in zip(axes.ravel(), x, pred, t):
        ax.imshow(image.reshape(side, side), cmap="gray_r")
        ax.set_title(f"{p}" if p == label else f"{p} (is {label})",
                     color="black" if p == label else "red", fontsize=10)
        ax.axis("off")
    fig.suptitle(f"{name} test images: predicted label (wrong ones in red)")
    fig.tight_layout()
    to_file = os.path.join(args.out, "predictions.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
