"""Step 60 demo: the book's LSTM learns a sine wave from a SeqDataLoader.

The book's step 60 program: SinCurve's noisy sine wave read by a
SeqDataLoader 30 places at once (batches of 30, each row following its own
stretch of the wave), an LSTM (100 hidden units) with a Linear on top,
trained with Adam to predict the next point, the loss backpropagated every
30 steps and the graph behind it cut with unchain_backward(). Then the
model, fed cos(x) on [0, 4 pi] one point at a time, predicts each next
value: prediction.png draws the prediction against the true cosine, with
the loss per epoch. Seeded (np.random.seed(0)), so that each run prints the
same numbers.
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
from dezero import Model, SeqDataLoader  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step60", help="folder for prediction.png")
    parser.add_argument("--epochs", type=int, default=100,
                        help="epochs (default 100, as in the book: about 6 s on two "
                             "CPU cores)")
    return parser.parse_args()


class BetterRNN(Model):
    """The book's model: an LSTM and a Linear on top."""

    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.rnn = L.LSTM(hidden_size)
        self.fc = L.Linear(out_size)

    def reset_state(self):
        self.rnn.reset_state()

    def forward(self, x):
        y = self.rnn(x)
        y = self.fc(y)
        return y


def train(max_epoch):
    """The book's training loop; returns the model and the loss of each epoch."""
    batch_size = 30
    hidden_size = 100
    bptt_length = 30

    train_set = dezero.datasets.SinCurve(train=True)
    dataloader = SeqDataLoader(train_set, batch_size=batch_size)
    seqlen = len(train_set)

    model = BetterRNN(hidden_size, 1)
    optimizer = dezero.optimizers.Adam().setup(model)

    losses = []
    for epoch in range(max_epoch):
        model.reset_state()
        loss, count = 0, 0

        for x, t in dataloader:  # x, t: (30, 1), one step of 30 stretches
            y = model(x)
            loss += F.mean_squared_error(y, t)
            count += 1

            if count % bptt_length == 0 or count == seqlen:
                model.cleargrads()
                loss.backward()
                loss.unchain_backward()
                optimizer.update()
        avg_loss = float(loss.data) / count
        losses.append(avg_loss)
        print("| epoch %d | loss %f" % (epoch + 1, avg_loss))
    return model, losses


def predict(model, xs):
    """The model's prediction of each next value, fed xs one at a time."""
    model.reset_state()
    pred_list = []
    with dezero.no_grad():
        for x in xs:
            x = np.array(x).reshape(1, 1)
            y = model(x)
            # y is (1, 1): its one number (NumPy 2 refuses float() of a
            # 2-D array, which the book's float(y.data) relied on).
            pred_list.append(y.data.item())
    return np.array(pred_list)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    np.random.seed(0)
    start = time.perf_counter()
    model, losses = train(args.epochs)
    print(f"{args.epochs} epochs in {time.perf_counter() - start:.1f} s")

    xs = np.cos(np.linspace(0, 4 * np.pi, 1000))
    pred = predict(model, xs)
    # pred[i] is the prediction of xs[i + 1].
    error = np.sqrt(np.mean((pred[:-1] - xs[1:]) ** 2))
    print(f"root mean squared error of the next value of cos: {error:.4f}")

    fig, (ax_loss, ax_pred) = plt.subplots(1, 2, figsize=(12, 4.5),
                                           gridspec_kw={"width_ratios": [1, 2]})
    ax_loss.plot(np.arange(1, len(losses) + 1), losses)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean squared error per batch")
    ax_loss.set_title("training on the noisy sine")
    ax_pred.plot(np.arange(len(xs)), xs, label="y = cos(x)")
    ax_pred.plot(np.arange(len(xs)), pred, label="predict", linestyle="--")
    ax_pred.set_xlabel("x (index of 1000 points on [0, 4 pi])")
    ax_pred.set_ylabel("y")
    ax_pred.set_title(f"LSTM after {args.epochs} epochs, fed cos(x) (RMSE {error:.3f})")
    ax_pred.legend()
    fig.tight_layout()
    to_file = os.path.join(args.out, "prediction.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
