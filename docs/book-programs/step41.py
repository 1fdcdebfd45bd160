import shim  # noqa: F401  (np.int for the book's package)
import numpy as np
from dezero import Variable
import dezero.functions as F

a = np.array([1, 2, 3])
b = np.array([4, 5, 6])
c = np.dot(a, b)
print(c)
a = np.array([[1, 2], [3, 4]])
b = np.array([[5, 6], [7, 8]])
c = np.dot(a, b)
print(c)

x = Variable(np.random.randn(2, 3))
W = Variable(np.random.randn(3, 4))
y = F.matmul(x, W)
y.backward()

print(x.grad.shape)
print(W.grad.shape)

# extra: values
np.random.seed(1)
x = Variable(np.random.randn(2, 3))
W = Variable(np.random.randn(3, 4))
y = F.matmul(x, W)
F.sum(y * y).backward()
print(y)
print(x.grad)
print(W.grad)
x.cleargrad(); W.cleargrad()
y = x.dot(W)
F.sum(y * y).backward()
print(x.grad)
