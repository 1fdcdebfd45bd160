"""Final demo: what the book's released package adds to the 60 steps.

Two small programs, on data that needs no download:

1. The spiral (step 48's three arms) learned by a models.Sequential of
   Linear, BatchNorm and leaky_relu layers, trained with Adam whose updates
   pass through two optimizer hooks first: WeightDecay (each gradient gets
   rate * weight added, pulling the weights towards 0) and ClipGrad (all
   gradients scaled down together when their norm is above a limit). Tested
   in test_mode(), where BatchNorm uses its running averages.
2. L.EmbedID: a word-vector table. Each character of a short text is an id;
   EmbedID turns it into a learned vector and a Linear layer predicts the
   next character from it (a bigram model).

It prints the losses and accuracies and writes final.png into --out: the
spiral's decision regions and both training curves. Seeded
(np.random.seed(0)), so that each run prints the same numbers.
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
import dezero.layers as L  # noqa: E402
from dezero import DataLoader, optimizers, test_mode  # noqa: E402
from dezero.datasets import Spiral  # noqa: E402
from dezero.models import Sequential  # noqa: E402

TEXT = "to be, or not to be, that is the question. "


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/final", help="folder for final.png")
    parser.add_argument("--epochs", type=int, default=60,
                        help="epochs on the spiral (default 60: a few seconds)")
    return parser.parse_args()


def accuracy_of(model, x, t):
    """The share of x that model classifies right, in test mode (no graph kept)."""
    with test_mode(), dezero.no_grad():
        return float(F.accuracy(model(x), t).data)


def train_spiral(epochs):
    """Sequential + BatchNorm + leaky_relu on the spiral, Adam with two hooks."""
    train_set, test_set = Spiral(train=True), Spiral(train=False)
    # get_spiral seeds numpy's generator itself; seed again so that the
    # weights and the shuffles below are the same on every run.
    np.random.seed(0)
    x_test, t_test = test_set.data, test_set.label

    model = Sequential(L.Linear(30), L.BatchNorm(), F.leaky_relu,
                       L.Linear(30), L.BatchNorm(), F.leaky_relu,
                       L.Linear(3))
    optimizer = optimizers.Adam(alpha=0.01).setup(model)
    # Run before every update, in the order added.
    optimizer.add_hook(optimizers.WeightDecay(1e-4))
    optimizer.add_hook(optimizers.ClipGrad(5.0))

    loader = DataLoader(train_set, batch_size=30)
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for x, t in loader:
            loss = F.softmax_cross_entropy(model(x), t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            total += float(loss.data) * len(t)
        losses.append(total / len(train_set))
        if (epoch + 1) % 10 == 0:
            print(f"spiral | epoch {epoch + 1:3d} | loss {losses[-1]:.4f} | "
                  f"test accuracy {accuracy_of(model, x_test, t_test):.4f}")
    return model, losses, train_set


def train_bigrams(steps=300):
    """EmbedID + Linear: predict each next character of TEXT from the one before."""
    chars = sorted(set(TEXT))
    char_to_id = {c: i for i, c in enumerate(chars)}
    ids = np.array([char_to_id[c] for c in TEXT])
    x, t = ids[:-1], ids[1:]

    embed = L.EmbedID(len(chars), 8)
    fc = L.Linear(len(chars))
    model = dezero.Model()
    model.embed, model.fc = embed, fc  # a Model to collect both layers' parameters
    optimizer = optimizers.SGD(lr=0.5).setup(model)

    losses = []
    for _ in range(steps):
        # embed(x) picks one row of the table per character: (len(x), 8).
        loss = F.softmax_cross_entropy(fc(embed(x)), t)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        losses.append(float(loss.data))

    # After "t", which character does the model expect? embed takes a bare id too.
    with dezero.no_grad():
        scores = fc(embed(char_to_id["t"]).reshape(1, -1)).data[0]
    best = [chars[i] for i in np.argsort(scores)[::-1][:3]]
    print(f"bigrams | {steps} steps | loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    print("bigrams | after 't' the model expects: " + ", ".join(repr(c) for c in best))
    return losses


def draw(args, model, spiral_losses, train_set, bigram_losses):
    fig, (ax_map, ax_loss) = plt.subplots(1, 2, figsize=(11, 4.5))
    # The class the model picks at each point of a grid: its decision regions.
    grid = np.linspace(-1.1, 1.1, 200)
    xx, yy = np.meshgrid(grid, grid)
    points = np.c_[xx.ravel(), yy.ravel()].astype(np.float32)
    with test_mode(), dezero.no_grad():
        picked = model(points).data.argmax(axis=1).reshape(xx.shape)
    ax_map.contourf(xx, yy, picked, alpha=0.3, levels=[-0.5, 0.5, 1.5, 2.5],
                    colors=["C0", "C1", "C2"])
    for c, marker in zip(range(3), "ox^", strict=True):
        x = train_set.data[train_set.label == c]
        ax_map.scatter(x[:, 0], x[:, 1], s=12, marker=marker, color=f"C{c}")
    ax_map.set_title("spiral: Sequential with BatchNorm and leaky_relu")
    ax_loss.plot(np.arange(1, len(spiral_losses) + 1), spiral_losses,
                 label="spiral (per epoch)")
    ax_loss.plot(np.linspace(1, len(spiral_losses), len(bigram_losses)), bigram_losses,
                 label=f"EmbedID bigrams ({len(bigram_losses)} steps, stretched)")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("softmax cross entropy")
    ax_loss.legend()
    fig.tight_layout()
    to_file = os.path.join(args.out, "final.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    print(f"dezero {dezero.__version__} (the book's released package)")

    start = time.perf_counter()
    model, spiral_losses, train_set = train_spiral(args.epochs)
    np.random.seed(0)
    bigram_losses = train_bigrams()
    print(f"trained in {time.perf_counter() - start:.1f} s")
    draw(args, model, spiral_losses, train_set, bigram_losses)


if __name__ == "__main__":
    main()
