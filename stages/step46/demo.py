"""Step 46 demo: optimizers update the parameters; five of them compared."""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero.functions as F  # noqa: E402
from dezero import optimizers  # noqa: E402
from dezero.models import MLP  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step46",
                        help="folder for the figure optimizers.png")
    parser.add_argument("--iters", type=int, default=10000,
                        help="iterations per optimizer (default 10000, as the book)")
    return parser.parse_args()


def sin_data():
    """The book's data: y = sin(2 pi x) plus uniform noise in [0, 1)."""
    np.random.seed(0)
    x = np.random.rand(100, 1)
    y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)
    return x, y


def train(optimizer, iters, verbose=False):
    """Train MLP((10, 1)) on the sin data with optimizer; the loss per iteration."""
    # Reseeding makes the same data and, at the first call, the same initial
    # weights for every optimizer: the curves differ by the rule alone.
    x, y = sin_data()
    model = MLP((10, 1))
    optimizer.setup(model)

    losses = []
    for i in range(iters):
        y_pred = model(x)
        loss = F.mean_squared_error(y, y_pred)

        model.cleargrads()
        loss.backward()
        optimizer.update()

        losses.append(float(loss.data))
        if verbose and i % 1000 == 0:
            print(loss)
    return losses


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    # The book's program: SGD with lr 0.2.
    print("SGD(lr=0.2), as in the book:")
    curves = {"SGD(lr=0.2)": train(optimizers.SGD(lr=0.2), args.iters, verbose=True)}

    # The others, each with a learning rate that suits it here.
    others = {
        "MomentumSGD(lr=0.2, momentum=0.9)": optimizers.MomentumSGD(lr=0.2, momentum=0.9),
        "AdaGrad(lr=0.2)": optimizers.AdaGrad(lr=0.2),
        "AdaDelta()": optimizers.AdaDelta(),
        "Adam(alpha=0.01)": optimizers.Adam(alpha=0.01),
    }
    for name, optimizer in others.items():
        curves[name] = train(optimizer, args.iters)

    print(f"loss after {args.iters} iterations:")
    for name, losses in curves.items():
        print(f"  {name:36s} {losses[-1]:.6f}")

    fig, ax = plt.subplots(figsize=(8, 5))
    for name, losses in curves.items():
        ax.plot(np.arange(1, len(losses) + 1), losses, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("mean squared error")
    ax.set_title("MLP((10, 1)) on sin data: loss by optimizer")
    # Bottom left: the curves have not come down that far in 10 steps.
    ax.legend(loc="lower left")
    to_file = os.path.join(args.out, "optimizers.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
