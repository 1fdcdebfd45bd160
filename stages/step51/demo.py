"""Step 51 demo: MNIST (or, offline, scikit-learn's 8x8 digits) with ReLU and Adam."""

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
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs (default: 3 on MNIST, about a minute; the book "
                             "trains 5. 30 on the digits)")
    parser.add_argument("--hidden", type=int, default=None,
                        help="hidden units (default: 1000 on MNIST as in the book, 100 on "
                             "the digits)")
    return parser.parse_args()


def load_data():
    """(train_set, test_set, name): MNIST if it is available, else the 8x8 digits."""
    try:
        return MNIST(train=True), MNIST(train=False), "MNIST"
    except (OSError, ValueError) as e:
        # OSError: no download; ValueError: a corrupt file in the cache.
        print(e)
    print("MNIST is not available, so this demo trains the same model on "
          "scikit-learn's 8x8 digits instead.")
    try:
        return Digits(train=True), Digits(train=False), "8x8 digits"
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
    on_mnist = name == "MNIST"
    max_epoch = args.epochs or (3 if on_mnist else 30)
    hidden_size = args.hidden or (1000 if on_mnist else 100)
    batch_size = 100
    print(f"{name}: {len(train_set)} training and {len(test_set)} test images; "
          f"MLP(({hidden_size}, {hidden_size}, 10)) with ReLU, Adam, "
          f"{max_epoch} epoch{'' if max_epoch == 1 else 's'}")

    np.random.seed(0)
    train_loader = DataLoader(train_set, batch_size)
    test_loader = DataLoader(test_set, batch_size, shuffle=False)

    # ReLU between the layers: it keeps gradients alive through the depth
    # where sigmoid's would shrink; Adam adapts the step of every weight.
    model = MLP((hidden_size, hidden_size, 10), activation=F.relu)
    optimizer = optimizers.Adam().setup(model)

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
        print(f"epoch {epoch + 1}: train loss {train_loss:.4f}, accuracy "
              f"{train_acc:.4f}; test loss {test_loss:.4f}, accuracy {test_acc:.4f}")

    epochs = np.arange(1, max_epoch + 1)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(epochs, train_accs, marker="o", label="train")
    ax.plot(epochs, test_accs, marker="o", label="test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{name}: accuracy per epoch")
    ax.legend()
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
