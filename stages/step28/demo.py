"""Step 28 demo: gradient descent on the Rosenbrock function, with its path."""

import argparse
import os

import matplotlib

matplotlib.use("Agg")  # draw to files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dezero import Variable  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out/step28",
                        help="folder for the figure rosenbrock.png")
    parser.add_argument("--iters", type=int, default=50000,
                        help="gradient descent steps (the book: 50000)")
    return parser.parse_args()


def rosenbrock(x0, x1):
    # Written with operators only, so it works on Variables and, for the
    # contour plot, on plain ndarrays alike.
    return 100 * (x1 - x0 ** 2) ** 2 + (1 - x0) ** 2


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)

    x0 = Variable(np.array(0.0))
    x1 = Variable(np.array(2.0))
    y = rosenbrock(x0, x1)
    y.backward()
    print("gradient at (0, 2):", x0.grad, x1.grad)

    lr = 0.001  # the learning rate: how far each step moves
    x0 = Variable(np.array(0.0))
    x1 = Variable(np.array(2.0))
    path = [(float(x0.data), float(x1.data))]
    for i in range(args.iters):
        y = rosenbrock(x0, x1)
        # Gradients accumulate: clear last step's before computing this one.
        x0.cleargrad()
        x1.cleargrad()
        y.backward()
        # Step downhill. Updating .data leaves the Variables (and no graph)
        # in place: the next iteration builds a fresh graph from them.
        x0.data -= lr * x0.grad
        x1.data -= lr * x1.grad
        path.append((float(x0.data), float(x1.data)))
        if i + 1 in (1000, 10000):
            print(f"after {i + 1} steps: ({x0.data}, {x1.data})")
    print(f"after {args.iters} steps from (0, 2): ({x0.data}, {x1.data})")
    print("the minimum is at (1, 1)")

    # The valley on a grid; contour levels spaced logarithmically, since the
    # function is near 0 along the valley floor and in the thousands outside.
    xs = np.linspace(-2.0, 2.0, 400)
    ys = np.linspace(-1.0, 3.0, 400)
    X0, X1 = np.meshgrid(xs, ys)
    Z = rosenbrock(X0, X1)
    path = np.array(path)

    fig, ax = plt.subplots(figsize=(7, 6))
    ax.contour(X0, X1, Z, levels=np.logspace(-1, 3.5, 20), cmap="viridis")
    ax.plot(path[:, 0], path[:, 1], "r-", linewidth=1.5,
            label=f"gradient descent, lr={lr}, {args.iters} steps")
    # A dot every 500 steps: they bunch up where progress slows down.
    ax.plot(path[::500, 0], path[::500, 1], "r.", markersize=5)
    ax.plot(1, 1, "k*", markersize=14, label="minimum (1, 1)")
    ax.plot(path[0, 0], path[0, 1], "ro", label="start (0, 2)")
    ax.set_xlabel("$x_0$")
    ax.set_ylabel("$x_1$")
    ax.set_title("Rosenbrock function: $100(x_1 - x_0^2)^2 + (1 - x_0)^2$")
    ax.legend(loc="upper left")
    to_file = os.path.join(args.out, "rosenbrock.png")
    fig.savefig(to_file, dpi=100)
    plt.close(fig)
    print("wrote", to_file)


if __name__ == "__main__":
    main()
