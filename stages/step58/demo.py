"""Step 58 demo: VGG16, its graph and the shapes that flow through it.

Builds models.VGG16, with the trained weights if vgg16.npz is already in
the cache folder and with random weights otherwise (this demo never starts
the 528 MB download; VGG16(pretrained=True) does), runs one 224x224 image
through it in test mode, prints each layer's input, output and parameter
shapes, draws them into shapes.png and draws the graph with Model.plot
(vgg16.png; without graphviz's dot, the .dot text). With the trained
weights, --image PATH (needs Pillow) prints VGG16's five best guesses for a
picture of your own.
"""

import argparse
import os
import time

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero  # noqa: E402
from dezero import utils  # noqa: E402
from dezero.datasets import ImageNet  # noqa: E402
from dezero.models import VGG16  # noqa: E402

LAYERS = ["conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3",
          "conv4_1", "conv4_2", "conv4_3", "conv5_1", "conv5_2", "conv5_3",
          "fc6", "fc7", "fc8"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step58",
                        help="folder for shapes.png and vgg16.png (and vgg16.dot)")
    parser.add_argument("--size", type=int, default=224,
                        help="height and width of the input image (default 224, as "
                             "VGG16 was trained; about 6 s on two CPU cores, most of it "
                             "drawing the 138 million random weights)")
    parser.add_argument("--image", default=None,
                        help="a picture to classify (only with the trained weights)")
    return parser.parse_args()


def build_model():
    """(VGG16, whether its weights are the trained ones)."""
    path = os.path.join(utils.cache_dir, "vgg16.npz")
    if os.path.exists(path):
        try:
            return VGG16(pretrained=True), True
        except (OSError, ValueError) as e:
            print(e)
    print(f"The trained weights are not in the cache ({path}), so VGG16 gets random "
          "weights: its shapes are the same, its scores mean nothing.\n"
          f"To use the trained ones, download {VGG16.WEIGHTS_PATH} (528 MB) to that "
          "path, or run VGG16(pretrained=True) once with a network.")
    return VGG16(pretrained=False), False


def input_image(args, pretrained):
    """A (1, 3, size, size) float32 batch: the picture given, else random pixels."""
    if args.image and pretrained:
        from PIL import Image

        image = VGG16.preprocess(Image.open(args.image), size=(args.size, args.size))
        return image[np.newaxis], os.path.basename(args.image)
    if args.image:
        print("--image is ignored: random weights cannot classify it.")
    # Random pixels in the range of a preprocessed image.
    rng = np.random.default_rng(0)
    x = rng.uniform(-120, 150, size=(1, 3, args.size, args.size)).astype(np.float32)
    return x, "random pixels"


def shape_summary(model):
    """Rows (layer, input shape, output shape, parameter shapes, parameter count).

    Read from each layer's weak references to its last input and output,
    which live as long as the graph of the last forward pass does.
    """
    rows = []
    for name in LAYERS:
        layer = getattr(model, name)
        x_shape = layer.inputs[0]().shape
        y_shape = layer.outputs[0]().shape
        params = [(p.name, p.shape) for p in layer.params()]
        count = sum(int(np.prod(p.shape)) for p in layer.params())
        rows.append((name, x_shape, y_shape, params, count))
    return rows


def draw_shapes(rows, size, to_file):
    """Parameters and output elements per layer, on log scales."""
    names = [r[0] for r in rows]
    counts = [r[4] for r in rows]
    outputs = [int(np.prod(r[2])) for r in rows]
    fig, (ax_p, ax_o) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    ax_p.bar(names, counts, color="tab:blue")
    ax_p.set_yscale("log")
    ax_p.set_ylabel("parameters")
    ax_p.set_title(f"VGG16: {sum(counts):,} parameters; fc6 alone holds "
                   f"{counts[names.index('fc6')] / sum(counts):.0%}")
    ax_o.bar(names, outputs, color="tab:orange")
    ax_o.set_yscale("log")
    ax_o.set_ylabel("output elements per image")
    ax_o.set_xlabel("layer")
    ax_o.set_title(f"output size for a {size}x{size} image (each 2x2 pooling divides "
                   "it by 4, each block doubles the channels)")
    for label, r in zip(ax_o.get_xticklabels(), rows):
        label.set_rotation(60)
    for x, r in enumerate(rows):
        shape = "x".join(str(n) for n in r[2][1:])
        ax_o.text(x, outputs[x] * 1.3, shape, ha="center", va="bottom", fontsize=7,
                  rotation=90)
    # Room above the bars for the shapes written on them.
    ax_o.set_ylim(top=max(outputs) * 100)
    fig.tight_layout()
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    np.random.seed(0)
    model, pretrained = build_model()
    x, what = input_image(args, pretrained)

    # test_mode: no dropout. The graph is kept (no no_grad), so that the
    # layers' records of their inputs and outputs stay alive for the summary.
    start = time.perf_counter()
    with dezero.test_mode():
        y = model(x)
    print(f"\nforward of one {args.size}x{args.size} image ({what}): "
          f"{time.perf_counter() - start:.1f} s (the first call also draws the weights)")

    rows = shape_summary(model)
    print(f"\n{'layer':8} {'input':>20} {'output':>20}  parameters")
    for name, x_shape, y_shape, params, count in rows:
        shapes = ", ".join(f"{p} {s}" for p, s in params)
        print(f"{name:8} {str(x_shape):>20} {str(y_shape):>20}  {shapes} ({count:,})")
    print(f"total parameters: {sum(r[4] for r in rows):,}; scores {y.shape} {y.dtype}")
    draw_shapes(rows, args.size, os.path.join(args.out, "shapes.png"))

    if pretrained:
        try:
            labels = ImageNet.labels()
            top = np.argsort(y.data[0])[::-1][:5]
            print("\nVGG16's five best guesses:")
            for i in top:
                print(f"  {y.data[0, i]:8.2f}  {labels[int(i)]}")
        except (OSError, ValueError) as e:
            print(e)

    # The graph of one forward pass: every Function and Variable, with the
    # shapes.
    to_file = os.path.join(args.out, "vgg16.png")
    try:
        with dezero.test_mode():
            model.plot(x, to_file=to_file)
        print("wrote", to_file)
    except RuntimeError as e:
        # No graphviz: the DOT text is still written beside the picture.
        print(e)


if __name__ == "__main__":
    main()
