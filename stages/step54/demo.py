"""Step 54 demo: dropout in training and in test mode.

Prints the book's example (dropout of np.ones(5) while training and under
test_mode()), the masks of a few calls, and draws them into dropout.png.
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero  # noqa: E402
import dezero.functions as F  # noqa: E402
from dezero import test_mode  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step54", help="folder for dropout.png")
    parser.add_argument("--ratio", type=float, default=0.5,
                        help="dropout_ratio, the share of elements dropped (default 0.5)")
    return parser.parse_args()


def book_example():
    """The book's program: the same input while training and while testing."""
    x = np.ones(5)
    print(x)
    # While training: each element is kept or dropped at random.
    y = F.dropout(x)
    print(y)
    # While testing: everything passes through.
    with test_mode():
        y = F.dropout(x)
        print(y)


def plot_masks(outputs, titles, to_file):
    """One panel per output of dropout on an array of ones."""
    fig, axes = plt.subplots(1, len(outputs), figsize=(4.2 * len(outputs), 4.2),
                             layout="constrained")
    vmax = max(float(y.max()) for y in outputs)
    ticks = np.arange(0, outputs[0].shape[0], 5)
    for ax, y, title in zip(axes, outputs, titles):
        image = ax.imshow(y, cmap="viridis", vmin=0, vmax=vmax)
        ax.set_title(title, fontsize=10)
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.set_xlabel("column")
    axes[0].set_ylabel("row")
    fig.colorbar(image, ax=axes, label="output value (input is 1 everywhere)",
                 shrink=0.8)
    fig.savefig(to_file, dpi=100)
    plt.close(fig)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    ratio = args.ratio
    np.random.seed(0)

    print("The book's example (np.random.seed(0)):")
    book_example()
    print()

    x = np.ones((3, 6), dtype=np.float32)
    print(f"dropout(x, {ratio}) of a 3x6 float32 array of ones, called twice while training:")
    for call in (1, 2):
        y = F.dropout(x, ratio)
        # Kept elements are scaled by 1 / (1 - ratio), dropped ones are 0.
        print(f"call {call}: {y.dtype}\n{y.data}")
    with test_mode():
        y = F.dropout(x, ratio)
        print(f"under test_mode(), where Config.train is {dezero.Config.train}:\n{y.data}")
    print(f"after the with-block Config.train is {dezero.Config.train} again")

    # Inverted dropout keeps the expected value: the mean over many calls is 1.
    many = np.mean([F.dropout(x, ratio).data.mean() for _ in range(2000)])
    print(f"mean output over 2000 calls while training: {many:.4f} (input 1)")

    # The gradient passes only where an element was kept, scaled the same.
    v = dezero.Variable(np.ones(6))
    y = F.dropout(v, ratio)
    y.backward()
    print(f"one call on ones(6): y = {y.data}, dy/dx = {v.grad.data}")

    big = np.ones((16, 16))
    outputs = [F.dropout(big, ratio).data, F.dropout(big, ratio).data]
    with test_mode():
        outputs.append(F.dropout(big, ratio).data)
    titles = [f"training, call 1 (ratio {ratio}):\n{(outputs[0] == 0).mean():.0%} dropped",
              f"training, call 2:\n{(outputs[1] == 0).mean():.0%} dropped",
              "test_mode(): x as it is"]
    to_file = os.path.join(args.out, "dropout.png")
    plot_masks(outputs, titles, to_file)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
