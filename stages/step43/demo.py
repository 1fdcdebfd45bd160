"""Step 43 demo: a two-layer neural network, trained by hand on noisy sine data."""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero.functions as F  # noqa: E402
from dezero import Variable  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step43",
                        help="folder for the figure neural_network.png")
    return parser.parse_args()


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    # Data that no straight line fits: sin(2 pi x) plus noise in [0, 1).
    np.random.seed(0)
    x = np.random.rand(100, 1)
    y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)

    # One input, 10 hidden units, one output. The weights start small and
    # random: were they all equal, every hidden unit would learn the same.
    I, H, O = 1, 10, 1  # noqa: E741 (the book's names for the sizes)
    W1 = Variable(0.01 * np.random.randn(I, H))
    b1 = Variable(np.zeros(H))
    W2 = Variable(0.01 * np.random.randn(H, O))
    b2 = Variable(np.zeros(O))
    params = [W1, b1, W2, b2]

    def predict(x):
        # linear, then the sigmoid's bend, then linear again.
        y = F.linear(x, W1, b1)
        y = F.sigmoid(y)
        y = F.linear(y, W2, b2)
        return y

    lr = 0.2
    iters = 10000

    for i in range(iters):
        y_pred = predict(x)
        loss = F.mean_squared_error(y, y_pred)

        for p in params:
            p.cleargrad()
        loss.backward()

        for p in params:
            p.data -= lr * p.grad.data
        if i % 1000 == 0:
            print(loss)

    # The data and the function the network learned.
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.scatter(x[:, 0], y[:, 0], s=12, label="data")
    t = np.linspace(0, 1, 200).reshape(200, 1)
    ax.plot(t[:, 0], predict(t).data[:, 0], color="red",
            label="two-layer network")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"After {iters} steps (loss {float(loss.data):.4f})")
    ax.legend(loc="lower left")
    to_file = os.path.join(args.out, "neural_network.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
