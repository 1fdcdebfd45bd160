"""Step 44 demo: a two-layer network of L.Linear layers fits noisy sin data."""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero.functions as F  # noqa: E402
import dezero.layers as L  # noqa: E402
from dezero import no_grad  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step44",
                        help="folder for the figure sin_fit.png")
    return parser.parse_args()


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    # The book's data: y = sin(2 pi x) plus uniform noise in [0, 1).
    np.random.seed(0)
    x = np.random.rand(100, 1)
    y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)

    # Only the output sizes: each layer makes its W at its first call, when
    # it sees how many features come in.
    l1 = L.Linear(10)
    l2 = L.Linear(1)

    def predict(x):
        y = l1(x)
        y = F.sigmoid(y)
        y = l2(y)
        return y

    lr = 0.2
    iters = 10000

    for i in range(iters):
        y_pred = predict(x)
        loss = F.mean_squared_error(y, y_pred)

        l1.cleargrads()
        l2.cleargrads()
        loss.backward()

        # The layers know their parameters: no list of W1, b1, W2, b2 to keep.
        for layer in [l1, l2]:
            for p in layer.params():
                p.data -= lr * p.grad.data
        if i % 1000 == 0:
            print(loss)

    # The fitted curve, on a fine grid; no graph needed just to evaluate.
    t = np.linspace(0, 1, 200).reshape(200, 1)
    with no_grad():
        y_fit = predict(t)

    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(x, y, s=12, label="data: sin(2πx) + noise")
    ax.plot(t, y_fit.data, color="red", label="network (2 Linear layers)")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"Two-layer network after {iters} iterations (lr {lr})")
    ax.legend()
    to_file = os.path.join(args.out, "sin_fit.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
