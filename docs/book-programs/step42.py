import shim  # noqa: F401  (np.int for the book's package)
import sys
import numpy as np
from dezero import Variable
import dezero.functions as F

np.random.seed(0)
x = np.random.rand(100, 1)
y = 5 + 2 * x + np.random.rand(100, 1)
x, y = Variable(x), Variable(y)

W = Variable(np.zeros((1, 1)))
b = Variable(np.zeros(1))


def predict(x):
    y = F.matmul(x, W) + b
    return y


def mean_squared_error(x0, x1):
    diff = x0 - x1
    return F.sum(diff ** 2) / len(diff)


VARIANT = {"local": mean_squared_error, "F": F.mean_squared_error,
           "simple": getattr(F, "mean_squared_error_simple", None)}[sys.argv[1] if len(sys.argv) > 1 else "local"]

lr = 0.1
iters = 100

for i in range(iters):
    y_pred = predict(x)
    loss = VARIANT(y, y_pred)

    W.cleargrad()
    b.cleargrad()
    loss.backward()

    W.data -= lr * W.grad.data
    b.data -= lr * b.grad.data
    print(W, b, loss)
