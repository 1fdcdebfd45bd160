"""Step 45 demo: a Model made of Layers fits sin data, and draws its own graph."""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero.functions as F  # noqa: E402
import dezero.layers as L  # noqa: E402
from dezero import Model, Variable, no_grad  # noqa: E402
from dezero.models import MLP  # noqa: E402


class TwoLayerNet(Model):
    """The network of step 44, as one Model: its layers are its attributes."""

    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.l1 = L.Linear(hidden_size)
        self.l2 = L.Linear(out_size)

    def forward(self, x):
        y = F.sigmoid(self.l1(x))
        y = self.l2(y)
        return y


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step45",
                        help="folder for model.png (and model.dot) and sin_fit.png")
    return parser.parse_args()


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    np.random.seed(0)
    x = np.random.rand(100, 1)
    y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)

    lr = 0.2
    max_iter = 10000
    hidden_size = 10

    model = TwoLayerNet(hidden_size, 1)

    for i in range(max_iter):
        y_pred = model(x)
        loss = F.mean_squared_error(y, y_pred)

        # One call clears every parameter of every layer inside the model.
        model.cleargrads()
        loss.backward()

        for p in model.params():
            p.data -= lr * p.grad.data
        if i % 1000 == 0:
            print(loss)

    # MLP builds the same kind of network from a list of sizes, any depth.
    mlp = MLP((10, 20, 30, 40, 1))
    mlp(np.zeros((1, 1)))  # a first call makes the weights
    n_params = len(list(mlp.params()))
    print(f"MLP((10, 20, 30, 40, 1)): layers l0..l4, {n_params} parameters")

    # The graph of one forward pass on a small input, as a picture.
    to_file = os.path.join(args.out, "model.png")
    x_small = Variable(np.random.randn(5, 1), name="x")
    try:
        model.plot(x_small, to_file=to_file)
        print("wrote", to_file)
    except RuntimeError as e:
        # No graphviz: the DOT text is still written beside the picture.
        print(e)

    t = np.linspace(0, 1, 200).reshape(200, 1)
    with no_grad():
        y_fit = model(t)
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(x, y, s=12, label="data: sin(2πx) + noise")
    ax.plot(t, y_fit.data, color="red", label="TwoLayerNet(10, 1)")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"A Model after {max_iter} iterations (lr {lr})")
    ax.legend()
    to_file = os.path.join(args.out, "sin_fit.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
