import shim  # noqa: F401  (np.int for the book's package)
import numpy as np
from dezero import Variable
import dezero.functions as F

x = Variable(np.array([1, 2, 3, 4, 5, 6]))
y = F.sum(x)
y.backward()
print(y)
print(x.grad)

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
y = F.sum(x)
y.backward()
print(y)
print(x.grad)

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
y = F.sum(x, axis=0)
y.backward()
print(y)
print(x.grad)

x = Variable(np.random.randn(2, 3, 4, 5))
y = x.sum(keepdims=True)
print(y.shape)

# extra
np.random.seed(0)
w = np.random.randn(2, 3, 4)
for ax in [None, 0, 1, 2, -1, -2, (0, 2), (2, 0), (1,), (0, 1, 2)]:
    for kd in ([False, True] if not isinstance(ax, tuple) else [True]):
        x = Variable(w.copy())
        y = x.sum(axis=ax, keepdims=kd)
        z = F.sum(y * np.arange(1.0, 1 + y.size).reshape(y.shape))
        z.backward()
        print(ax, kd, y.shape, z, x.grad.shape, x.grad.data.ravel()[:6])
