"""Step 59 demo: the book's SimpleRNN learns a sine wave (truncated BPTT).

The book's step 59 program: SinCurve's noisy sine wave fed one point at a
time to an RNN (100 hidden units) with a Linear on top, trained with Adam to
predict the next point; every 30 steps the loss is backpropagated and
loss.unchain_backward() cuts the graph behind it. Then the model, fed
cos(x) on [0, 4 pi], predicts each next value: prediction.png draws the
prediction against the true cosine, with the loss per epoch. Seeded
(--seed, default 1), so that each run prints the same numbers. The loss
of this unclipped RNN jumps now and then, as it does on the book's package
(the same numbers, on NumPy 1.x); with seed 0 the 100th epoch happens to
land on such a jump.
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
from dezero import Model  # noqa: E402


class SimpleRNN(Model):
    """The book's step-59 model, which its program defines: an RNN and a Linear on top.

    Fed one time step at a time, it keeps the RNN's hidden state between
    calls; reset_state() starts a new sequence.
    """

    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.rnn = L.RNN(hidden_size)
        self.fc = L.Linear(out_size)

    def reset_state(self):
        self.rnn.reset_state()

    def forward(self, x):
        h = self.rnn(x)
        return self.fc(h)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step59", help="folder for prediction.png")
    parser.add_argument("--epochs", type=int, default=100,
                        help="epochs (default 100, as in the book: about 25 s on two "
                             "CPU cores)")
    parser.add_argument("--seed", type=int, default=1,
                        help="numpy's random seed (default 1; see above for 0)")
    return parser.parse_args()


def train(max_epoch):
    """The book's training loop; returns the model and the loss of each epoch."""
    hidden_size = 100
    bptt_length = 30

    train_set = dezero.datasets.SinCurve(train=True)
    seqlen = len(train_set)

    model = SimpleRNN(hidden_size, 1)
    optimizer = dezero.optimizers.Adam().setup(model)

    losses = []
    for epoch in range(max_epoch):
        model.reset_state()
        loss, count = 0, 0

        for x, t in train_set:
            x = x[:, np.newaxis]  # a batch of one: (1, 1)
            y = model(x)
            loss += F.mean_squared_error(y, t)
            count += 1

            # Truncated backpropagation through time: every bptt_length
            # steps, backpropagate through those steps only, then cut the
            # graph behind the loss so that the next ones start afresh.
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

    np.random.seed(args.seed)
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
    ax_loss.set_ylabel("mean squared error per step")
    ax_loss.set_title("training on the noisy sine")
    ax_pred.plot(np.arange(len(xs)), xs, label="y = cos(x)")
    ax_pred.plot(np.arange(len(xs)), pred, label="predict", linestyle="--")
    ax_pred.set_xlabel("x (index of 1000 points on [0, 4 pi])")
    ax_pred.set_ylabel("y")
    ax_pred.set_title(f"SimpleRNN after {args.epochs} epochs, fed cos(x) "
                      f"(RMSE {error:.3f})")
    ax_pred.legend()
    fig.tight_layout()
    to_file = os.path.join(args.out, "prediction.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
