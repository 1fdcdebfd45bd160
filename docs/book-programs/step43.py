import shim  # noqa: F401  (np.int for the book's package)
import sys
import numpy as np
from dezero import Variable
import dezero.functions as F

variant = sys.argv[1] if len(sys.argv) > 1 else "F"
lin = F.linear if variant == "F" else F.linear_simple
sig = F.sigmoid if variant == "F" else F.sigmoid_simple

np.random.seed(0)
x = np.random.rand(100, 1)
y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)

I, H, O = 1, 10, 1
W1 = Variable(0.01 * np.random.randn(I, H))
b1 = Variable(np.zeros(H))
W2 = Variable(0.01 * np.random.randn(H, O))
b2 = Variable(np.zeros(O))


def predict(x):
    y = lin(x, W1, b1)
    y = sig(y)
    y = lin(y, W2, b2)
    return y


lr = 0.2
iters = 10000

for i in range(iters):
    y_pred = predict(x)
    loss = F.mean_squared_error(y, y_pred)

    W1.cleargrad()
    b1.cleargrad()
    W2.cleargrad()
    b2.cleargrad()
    loss.backward()

    W1.data -= lr * W1.grad.data
    b1.data -= lr * b1.grad.data
    W2.data -= lr * W2.grad.data
    b2.data -= lr * b2.grad.data
    if i % 1000 == 0:
        print(loss)
print(W1, b1, W2, b2)
