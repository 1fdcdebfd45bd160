import shim  # noqa: F401  (np.int for the book's package)
import numpy as np
from dezero import Variable
import dezero.functions as F

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
y = F.reshape(x, (6,))
y.backward(retain_grad=True)
print(y)
print(x.grad)

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
y = F.transpose(x)
y.backward()
print(y)
print(x.grad)

x = Variable(np.random.randn(1, 2, 3))
y = x.reshape((2, 3))
print(y.shape)
y = x.reshape(2, 3)
print(y.shape)
y = x.reshape([3, 2])
print(y.shape)

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
y = x.transpose()
print(y)
y = x.T
print(y)

A, B, C, D = 1, 2, 3, 4
x = np.random.rand(A, B, C, D)
y = x.transpose(1, 0, 3, 2)
print(y.shape)
xv = Variable(np.arange(24.0).reshape(1, 2, 3, 4))
yv = xv.transpose(1, 0, 3, 2)
print(yv.shape)
(yv * np.arange(24.0).reshape(yv.shape)).backward() if False else None
z = F.sum(F.transpose(xv, (1, 0, 3, 2)) * np.arange(24.0).reshape(2, 1, 4, 3)) if hasattr(F, 'sum') else None
z.backward()
print(xv.grad)
x = Variable(np.array([[1.0, 2.0], [3.0, 4.0]]))
y = F.reshape(x, (2, 2))
print(y is x)
