import shim  # noqa: F401  (np.int for the book's package)
import numpy as np
from dezero import Variable
import dezero.functions as F

x = Variable(np.array(1.0))
y = F.sin(x)
print(y)

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
y = F.sin(x)
print(y)

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
c = Variable(np.array([[10, 20, 30], [40, 50, 60]]))
y = x + c
print(y)

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
c = Variable(np.array([[10, 20, 30], [40, 50, 60]]))
t = x + c
y = F.sum(t)
y.backward(retain_grad=True)
print(y.grad)
print(t.grad)
print(x.grad)
print(c.grad)

# extra: float arrays through every op, and sum of a product
x = Variable(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
y = F.sum(F.sin(x) * F.exp(x) + x ** 2 / 3.0 - F.tanh(x) + F.cos(x) - x * x)
y.backward()
print(y)
print(x.grad)
