"""Step 49 demo: the spiral training again, now taking examples from a Dataset."""

import argparse
import math
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import dezero  # noqa: E402
import dezero.functions as F  # noqa: E402
from dezero import optimizers, transforms  # noqa: E402
from dezero.models import MLP  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step49",
                        help="folder for the figure loss.png")
    return parser.parse_args()


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    # A Dataset hands out (data, label) pairs, one index at a time.
    train_set = dezero.datasets.Spiral(train=True)
    x, t = train_set[0]
    print(f"Spiral: {len(train_set)} examples; train_set[0]: x = {x}, t = {t}")

    # A transform is applied to each example's data as it is handed out.
    scaled = dezero.datasets.Spiral(transform=transforms.Normalize(mean=0.0, std=2.0))
    x, t = scaled[0]
    print(f"with transform=Normalize(mean=0, std=2): x = {x}, t = {t}")

    max_epoch = 300
    batch_size = 30
    hidden_size = 10
    lr = 1.0

    # Each Spiral() seeds numpy's random numbers (1984) and draws the same
    # ones, as get_spiral did in step 48: the training below starts from the
    # same state as step 48's and prints the same losses.
    model = MLP((hidden_size, 3))
    optimizer = optimizers.SGD(lr).setup(model)

    data_size = len(train_set)
    max_iter = math.ceil(data_size / batch_size)

    losses = []
    for epoch in range(max_epoch):
        index = np.random.permutation(data_size)
        sum_loss = 0

        for i in range(max_iter):
            # The batch gathered example by example from the Dataset.
            batch_index = index[i * batch_size:(i + 1) * batch_size]
            batch = [train_set[j] for j in batch_index]
            batch_x = np.array([example[0] for example in batch])
            batch_t = np.array([example[1] for example in batch])

            y = model(batch_x)
            loss = F.softmax_cross_entropy(y, batch_t)
            model.cleargrads()
            loss.backward()
            optimizer.update()

            sum_loss += float(loss.data) * len(batch_t)

        avg_loss = sum_loss / data_size
        losses.append(avg_loss)
        print("epoch %d, loss %.2f" % (epoch + 1, avg_loss))

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(np.arange(1, max_epoch + 1), losses)
    ax.set_xlabel("epoch")
    ax.set_ylabel("average loss (softmax cross entropy)")
    ax.set_title("Training loss, batches taken from a Dataset")
    to_file = os.path.join(args.out, "loss.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
