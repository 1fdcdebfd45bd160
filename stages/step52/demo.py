"""Step 52 demo: the book's program, step 51's MLP on the GPU when CuPy can use one.

The book's model and settings: MLP((1000, 10)) with sigmoid, SGD (lr 0.01),
batch size 100, 5 epochs, printing the book's line for each epoch, on MNIST
or, offline, on scikit-learn's 8x8 digits. The training loop is the same on
the GPU and the CPU: only model.to_gpu() and train_loader.to_gpu() differ,
and every function picks numpy or CuPy from the arrays it is given.
"""

import argparse
import os
import time

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
    parser.add_argument("--out", default="out/step52",
                        help="folder for training.png")
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
            # float() brings a 0-d GPU array back to the CPU as a number.
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
    use_gpu = cuda.gpu_enable
    if use_gpu:
        device = "GPU"
        print("GPU found (CuPy/CUDA): training on the GPU")
    else:
        device = "CPU"
        print("no GPU (CuPy/CUDA not available): training on the CPU")
        # What moving to the GPU says on a machine without one.
        try:
            dezero.Variable(np.zeros(1)).to_gpu()
        except RuntimeError as e:
            print(f"  (Variable.to_gpu() here raises RuntimeError: {e})")
    # The book's settings.
    max_epoch = args.epochs
    batch_size = 100
    hidden_size = 1000
    print(f"{name}: {len(train_set)} training and {len(test_set)} test images; "
          f"MLP(({hidden_size}, 10)) with sigmoid, SGD(lr=0.01), batch size "
          f"{batch_size}, {max_epoch} epoch{'' if max_epoch == 1 else 's'} on the {device}")

    np.random.seed(0)
    train_loader = DataLoader(train_set, batch_size)
    test_loader = DataLoader(test_set, batch_size, shuffle=False)
    model = MLP((hidden_size, 10))
    optimizer = optimizers.SGD().setup(model)

    if use_gpu:
        # The two lines that step 52 adds to a training program: the
        # batches and the parameters go to the GPU, and with them every
        # computation.
        train_loader.to_gpu()
        test_loader.to_gpu()
        model.to_gpu()

    losses, seconds = [], []
    for epoch in range(max_epoch):
        start = time.perf_counter()
        sum_loss = 0.0
        for x, t in train_loader:
            y = model(x)
            loss = F.softmax_cross_entropy(y, t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            sum_loss += float(loss.data) * len(t)
        # float(loss.data) above waits for the GPU each batch, so the time
        # is the time the work took, not the time it took to queue it.
        elapsed = time.perf_counter() - start
        train_loss = sum_loss / len(train_set)
        losses.append(train_loss)
        seconds.append(elapsed)
        # The book's line.
        print(f"epoch: {epoch + 1}, loss: {train_loss:.4f}, time: {elapsed:.4f}[sec]")

    test_loss, test_acc = evaluate(model, test_loader)
    print(f"test loss: {test_loss:.4f}, accuracy: {test_acc:.4f}")

    # The parameters come back to the CPU, as numpy arrays, for anything
    # that needs numpy (saving them, drawing them).
    model.to_cpu()
    W = model.l0.W.data
    print(f"after to_cpu(): l0.W is a {type(W).__module__}.{type(W).__name__} "
          f"of shape {W.shape}, {W.dtype}")

    epochs = np.arange(1, max_epoch + 1)
    fig, (ax_loss, ax_time) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, losses, marker="o")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training loss")
    ax_loss.set_title("loss per epoch")
    ax_time.bar(epochs, seconds, color="tab:orange")
    ax_time.set_xlabel("epoch")
    ax_time.set_ylabel("seconds")
    ax_time.set_title(f"time per epoch on the {device}")
    for ax in (ax_loss, ax_time):
        ax.set_xticks(epochs if max_epoch <= 10 else epochs[::max(1, max_epoch // 10)])
    fig.suptitle(f"{name}, MLP(({hidden_size}, 10)), sigmoid, SGD, batch {batch_size}")
    fig.tight_layout()
    to_file = os.path.join(args.out, "training.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
