"""Step 57 demo: im2col, conv2d and pooling, on the book's arrays and on a digit.

Prints the shapes of the book's program (im2col of 7x7 images, conv2d_simple
of a 15x15 one and its gradient), checks that conv2d and conv2d_simple give
the same numbers, and draws what filters do to a handwritten digit: hand-made
edge filters and the random filters of an L.Conv2d, their outputs and those
outputs after 2x2 max pooling. The digit is MNIST's if MNIST is in the cache,
else one of scikit-learn's 8x8 digits, else (offline, without scikit-learn) a
0 drawn with numpy.
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero.functions as F  # noqa: E402
import dezero.layers as L  # noqa: E402
from dezero import Variable, utils  # noqa: E402
from dezero.datasets import MNIST, mnist_files  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step57",
                        help="folder for im2col.png, filters.png and conv_layer.png")
    return parser.parse_args()


def book_program():
    """The book's step 57 program, seeded."""
    np.random.seed(0)
    x1 = np.random.rand(1, 3, 7, 7)
    col1 = F.im2col(x1, kernel_size=5, stride=1, pad=0, to_matrix=True)
    print("im2col of (1, 3, 7, 7), 5x5 kernel:", col1.shape)  # (9, 75)

    x2 = np.random.rand(10, 3, 7, 7)  # 10 images
    kernel_size = (5, 5)
    stride = (1, 1)
    pad = (0, 0)
    col2 = F.im2col(x2, kernel_size, stride, pad, to_matrix=True)
    print("im2col of (10, 3, 7, 7), 5x5 kernel:", col2.shape)  # (90, 75)

    N, C, H, W = 1, 5, 15, 15
    OC, (KH, KW) = 8, (3, 3)
    x = Variable(np.random.randn(N, C, H, W))
    W = np.random.randn(OC, C, KH, KW)
    y = F.conv2d_simple(x, W, b=None, stride=1, pad=1)
    y.backward()
    print("conv2d_simple output:", y.shape)  # (1, 8, 15, 15)
    print("gradient of its input:", x.grad.shape)  # (1, 5, 15, 15)

    # The same convolution as one Function, with its own backward.
    x2 = Variable(x.data.copy())
    y2 = F.conv2d(x2, W, b=None, stride=1, pad=1)
    y2.backward()
    print("conv2d and conv2d_simple: outputs differ by at most "
          f"{np.abs(y2.data - y.data).max():.1e}, input gradients by at most "
          f"{np.abs(x2.grad.data - x.grad.data).max():.1e}")


def load_digit():
    """(image as (1, 1, H, W) float32 in [0, 1], its label, where it came from)."""
    cached = all(os.path.exists(os.path.join(utils.cache_dir, name))
                 for name in mnist_files[False])
    if cached:
        try:
            test_set = MNIST(train=False)
            image = test_set.data[0].astype(np.float32) / 255.0
            return image[np.newaxis], int(test_set.label[0]), "MNIST test image 0"
        except (OSError, ValueError) as e:
            print(e)
    print("MNIST is not in the cache "
          f"({utils.cache_dir}), so this demo uses one of scikit-learn's 8x8 digits.")
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        print("scikit-learn is not installed either (pip install scikit-learn), so this "
              "demo draws a 0 itself.")
        return drawn_zero()[np.newaxis, np.newaxis], 0, "a 0 drawn with numpy"

    digits = load_digits()
    # A 0: its round stroke has edges in every direction.
    image = digits.images[0].astype(np.float32) / 16.0
    return image[np.newaxis, np.newaxis], int(digits.target[0]), "scikit-learn digit 0"


def drawn_zero(size=16):
    """A 0 as a (size, size) float32 image in [0, 1]: an upright ring, a stroke 2 pixels wide."""
    centre = (size - 1) / 2
    y, x = np.mgrid[0:size, 0:size]
    # Distance from the centre, on an ellipse a little taller than wide: 1 on the ring.
    r = np.hypot((x - centre) / (0.3 * size), (y - centre) / (0.4 * size))
    image = 1 - np.abs(r - 1) * (0.3 * size) / 1.5
    return np.clip(image, 0, 1).astype(np.float32)


# Hand-made 3x3 filters: what a trained network's first layer tends to learn.
HAND_FILTERS = {
    "vertical edges": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "horizontal edges": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "diagonal edges": [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]],
    "blur": [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
}


def draw_im2col(x, out):
    """The digit and its im2col matrix: one row per 3x3 window."""
    col = F.im2col(x, kernel_size=3, stride=1, pad=1, to_matrix=True).data
    fig, (ax_img, ax_col) = plt.subplots(1, 2, figsize=(9, 5),
                                         gridspec_kw={"width_ratios": [1, 0.6]})
    ax_img.imshow(x[0, 0], cmap="gray_r")
    ax_img.set_title(f"input {x.shape[2]}x{x.shape[3]}")
    ax_img.set_xlabel("column")
    ax_img.set_ylabel("row")
    ax_col.imshow(col, cmap="gray_r", aspect="auto", interpolation="nearest")
    ax_col.set_title(f"im2col: {col.shape[0]} windows x {col.shape[1]} pixels")
    ax_col.set_xlabel("pixel in the 3x3 window")
    ax_col.set_ylabel("window (row by row)")
    fig.tight_layout()
    to_file = os.path.join(out, "im2col.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


def draw_filters(x, W, names, title, to_file):
    """A row per filter: the filter, conv2d's output, ReLU, 2x2 max pooling."""
    y = F.conv2d(x, W, b=None, stride=1, pad=1)
    h = F.relu(y)
    p = F.pooling(h, 2, 2)
    columns = [("filter", W[:, 0]), (f"conv2d {y.shape[2]}x{y.shape[3]}", y.data[0]),
               ("ReLU", h.data[0]), (f"max pooling {p.shape[2]}x{p.shape[3]}", p.data[0])]
    n = len(W)
    fig, axes = plt.subplots(n, 4, figsize=(9, 2.2 * n + 0.6), squeeze=False)
    for r in range(n):
        for c, (label, maps) in enumerate(columns):
            ax = axes[r, c]
            if c < 2:
                # Signed values: white at 0, red above, blue below.
                m = np.abs(maps[r]).max() or 1.0
                image = ax.imshow(maps[r], cmap="coolwarm", vmin=-m, vmax=m,
                                  interpolation="nearest")
            else:
                image = ax.imshow(maps[r], cmap="gray_r", interpolation="nearest")
            fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(label, fontsize=10)
            if c == 0:
                ax.set_ylabel(names[r], fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    print("The book's program:")
    book_program()

    x, label, source = load_digit()
    print(f"\n{source} (a {label}), shape {x.shape}")
    draw_im2col(x, args.out)

    W = np.array(list(HAND_FILTERS.values()), dtype=np.float32)[:, np.newaxis]
    W[3] /= W[3].sum()  # the blur averages
    draw_filters(x, W, list(HAND_FILTERS), f"hand-made filters on {source}",
                 os.path.join(args.out, "filters.png"))

    # A layer's filters, drawn at random at its first call (seeded): before
    # training they respond to no particular pattern.
    np.random.seed(0)
    conv = L.Conv2d(4, kernel_size=3, stride=1, pad=1)
    y = conv(x)
    print(f"L.Conv2d(4, kernel_size=3, pad=1): W {conv.W.shape} {conv.W.dtype} "
          f"(in_channels {conv.in_channels}, found at the first call), "
          f"b {conv.b.shape}; output {y.shape} {y.dtype}")
    draw_filters(x, conv.W.data, [f"filter {i}" for i in range(4)],
                 f"L.Conv2d's random filters (untrained) on {source}",
                 os.path.join(args.out, "conv_layer.png"))


if __name__ == "__main__":
    main()
