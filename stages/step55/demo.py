"""Step 55 demo: the output size of a convolution, get_conv_outsize.

Prints the book's example (a 4x4 input, a 3x3 kernel, stride 1, padding 1
give a 4x4 output) and a few more, and draws where the kernel goes on the
padded input into conv_outsize.png.
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from dezero.utils import get_conv_outsize, pair  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step55", help="folder for conv_outsize.png")
    return parser.parse_args()


def book_example():
    """The book's program."""
    H, W = 4, 4  # input size
    KH, KW = 3, 3  # kernel size
    SH, SW = 1, 1  # stride
    PH, PW = 1, 1  # padding

    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(W, KW, SW, PW)
    print(OH, OW)


def draw_case(ax, size, kernel, stride, pad):
    """One axis of a convolution: the padded input, and each kernel position."""
    out = get_conv_outsize(size, kernel, stride, pad)
    padded = size + 2 * pad
    for i in range(padded):
        is_pad = i < pad or i >= pad + size
        ax.add_patch(Rectangle((i, 0), 1, 1, facecolor="lightgray" if is_pad else "white",
                               edgecolor="black"))
    # Each position of the kernel, one row below the other.
    for o in range(out):
        start = o * stride
        ax.add_patch(Rectangle((start + 0.05, -1.4 - o), kernel - 0.1, 0.8,
                               facecolor="tab:orange", alpha=0.7))
        ax.text(start + kernel / 2, -1.0 - o, f"output {o}", ha="center", va="center",
                fontsize=8)
    ax.set_xlim(-0.5, padded + 0.5)
    ax.set_ylim(-1.6 - out, 1.5)
    ax.set_yticks([])
    ax.set_xlabel("position in the padded input (gray: padding)")
    ax.set_title(f"input {size}, kernel {kernel}, stride {stride}, pad {pad}: "
                 f"output {out}\n({size} + 2*{pad} - {kernel}) // {stride} + 1 = {out}",
                 fontsize=10)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    print("The book's example (H, W = 4, 4; KH, KW = 3, 3; SH, SW = 1, 1; PH, PW = 1, 1):")
    book_example()

    print("\nMore sizes, (input_size + 2 * pad - kernel_size) // stride + 1:")
    print(" input kernel stride pad -> output")
    for size, kernel, stride, pad in [(7, 3, 1, 0), (7, 3, 2, 0), (28, 5, 1, 2),
                                      (32, 3, 2, 1), (224, 7, 2, 3)]:
        out = get_conv_outsize(size, kernel, stride, pad)
        print(f"{size:6} {kernel:6} {stride:6} {pad:3} -> {out:4}")

    print("\npair() reads a setting given as one int or as (height, width):")
    for x in (3, (3, 5)):
        print(f"pair({x!r}) = {pair(x)}")
    try:
        pair([3, 5])
    except ValueError as e:
        print(f"pair([3, 5]) raises ValueError: {e}")

    cases = [(4, 3, 1, 1), (7, 3, 2, 0)]
    fig, axes = plt.subplots(len(cases), 1, figsize=(8, 7), layout="constrained")
    for ax, case in zip(axes, cases):
        draw_case(ax, *case)
    to_file = os.path.join(args.out, "conv_outsize.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("\nwrote", to_file)


if __name__ == "__main__":
    main()
