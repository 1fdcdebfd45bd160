"""Step 53 demo: the book's program saves a trained model's weights; a fresh model loads them.

The book's model and settings: MLP((1000, 10)) with sigmoid, SGD (lr 0.01),
batch size 100, 3 epochs, printing the book's line for each epoch, on MNIST
or, offline, on scikit-learn's 8x8 digits. The fresh model, loaded, gets
exactly the trained model's accuracy. With --resume, a file saved by an
earlier run is loaded before training, so that training goes on from where
it stopped, as the book's program does.
"""

import argparse
import os
import shutil

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero  # noqa: E402
import dezero.functions as F  # noqa: E402
from dezero import DataLoader, cuda, optimizers, transforms  # noqa: E402
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
    parser.add_argument("--out", default="out/step53",
                        help="folder for my_mlp.npz, the saved weights, and reload.png")
    parser.add_argument("--epochs", type=int, default=3,
                        help="epochs (default 3, as in the book)")
    parser.add_argument("--resume", action="store_true",
                        help="load my_mlp.npz from --out first, if it is there, and "
                             "train on from it")
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


def try_to_load(model, path):
    """Load path into model, printing the error if it is refused."""
    try:
        model.load_weights(path)
    except (OSError, ValueError) as e:
        print(f"  refused, {type(e).__name__}: {e}")
        return False
    return True


def test_scores(model, test_set):
    """model's scores for every test image, as a numpy array."""
    x = np.array([test_set[i][0] for i in range(len(test_set))])
    if cuda.gpu_enable:
        x = cuda.as_cupy(x)
    with dezero.no_grad():
        return cuda.as_numpy(model(x).data)


def plot_reload(accuracies, trained_scores, loaded_scores, to_file):
    """Accuracy of the trained, fresh and loaded models; scores before and after."""
    fig, (ax_acc, ax_scores) = plt.subplots(1, 2, figsize=(11, 4.5))
    labels = list(accuracies)
    bars = ax_acc.bar(labels, list(accuracies.values()),
                      color=["tab:blue", "tab:gray", "tab:green"])
    ax_acc.bar_label(bars, fmt="%.4f")
    ax_acc.set_ylim(0, 1.1)
    ax_acc.set_xlabel("model")
    ax_acc.set_ylabel("test accuracy")
    ax_acc.set_title("accuracy before saving and after loading")
    ax_scores.plot(trained_scores.ravel(), loaded_scores.ravel(), ".", markersize=3)
    ax_scores.set_xlabel("score of the trained model")
    ax_scores.set_ylabel("score of the fresh model, loaded")
    ax_scores.set_title("every test score, both models (on the diagonal: the same)")
    fig.tight_layout()
    fig.savefig(to_file, dpi=100)
    plt.close(fig)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    data = load_data()
    if data is None:
        return
    train_set, test_set, name = data
    # The book's settings.
    max_epoch = args.epochs
    hidden_size = 1000
    sizes = (hidden_size, 10)
    path = os.path.join(args.out, "my_mlp.npz")

    np.random.seed(0)
    train_loader = DataLoader(train_set, 100)
    test_loader = DataLoader(test_set, 100, shuffle=False)
    model = MLP(sizes)
    if args.resume and os.path.exists(path):
        # The book's program: go on from the weights of the last run.
        model.load_weights(path)
        print(f"loaded {path}: training goes on from the last run")
    optimizer = optimizers.SGD().setup(model)
    if cuda.gpu_enable:
        train_loader.to_gpu()
        test_loader.to_gpu()
        model.to_gpu()
    print(f"{name}: MLP({sizes}) with sigmoid, SGD(lr=0.01), batch size 100, "
          f"{max_epoch} epoch{'' if max_epoch == 1 else 's'} on the "
          f"{'GPU' if cuda.gpu_enable else 'CPU'}")

    for epoch in range(max_epoch):
        sum_loss = 0.0
        for x, t in train_loader:
            loss = F.softmax_cross_entropy(model(x), t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            sum_loss += float(loss.data) * len(t)
        print(f"epoch: {epoch + 1}, loss: {sum_loss / len(train_set):.4f}")  # the book's line

    test_loss, test_acc = evaluate(model, test_loader)
    print(f"trained model:          test loss {test_loss:.6f}, accuracy {test_acc:.4f}")
    # Saved as numpy arrays, even from the GPU; the model stays where it is.
    model.save_weights(path)
    print(f"saved its weights to {path} ({os.path.getsize(path)} bytes)")
    with np.load(path, allow_pickle=False) as npz:
        for key in npz.files:
            print(f"  {key:5} {npz[key].shape} {npz[key].dtype}")

    # A new model knows nothing: its weights are made at its first call.
    fresh = MLP(sizes)
    if cuda.gpu_enable:
        fresh.to_gpu()
    loss, fresh_acc = evaluate(fresh, test_loader)
    print(f"fresh model:            test loss {loss:.6f}, accuracy {fresh_acc:.4f}")
    fresh.load_weights(path)
    loss, acc = evaluate(fresh, test_loader)
    print(f"fresh model, loaded:    test loss {loss:.6f}, accuracy {acc:.4f}")
    print("the same as the trained model:", loss == test_loss and acc == test_acc)
    trained_scores = test_scores(model, test_set)
    loaded_scores = test_scores(fresh, test_set)
    print("every test score identical:", np.array_equal(trained_scores, loaded_scores))
    to_file = os.path.join(args.out, "reload.png")
    plot_reload({"trained": test_acc, "fresh": fresh_acc, "fresh, loaded": acc},
                trained_scores, loaded_scores, to_file)
    print("wrote", to_file)

    # Files that do not fit are refused, and the model is left as it was.
    print("loading into a model of another size:")
    other = MLP((hidden_size // 2, 10))
    try_to_load(other, path)
    print("loading a file cut short:")
    cut = os.path.join(args.out, "cut_short.npz")
    shutil.copyfile(path, cut)
    with open(cut, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)
    try_to_load(fresh, cut)
    os.remove(cut)
    loss, acc = evaluate(fresh, test_loader)
    print(f"fresh model after both: test loss {loss:.6f}, accuracy {acc:.4f} (unchanged)")


if __name__ == "__main__":
    main()
