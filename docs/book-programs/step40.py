import shim  # noqa: F401  (np.int for the book's package)
import numpy as np
from dezero import Variable
import dezero.functions as F
from dezero.utils import sum_to

x = np.array([1, 2, 3])
y = np.broadcast_to(x, (2, 3))
print(y)

x = np.array([[1, 2, 3], [4, 5, 6]])
y = sum_to(x, (1, 3))
print(y)
y = sum_to(x, (2, 1))
print(y)

x0 = Variable(np.array([1, 2, 3]))
x1 = Variable(np.array([10]))
y = x0 + x1
print(y)

y.backward()
print(x1.grad)

# extra
x = Variable(np.array([1.0, 2.0, 3.0]))
y = F.broadcast_to(x, (2, 3))
y.backward()
print(y, x.grad)
x = Variable(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
y = F.sum_to(x, (1, 3))
y.backward()
print(y, x.grad)
a = Variable(np.arange(6.0).reshape(2, 3))
b = Variable(np.array([1.0, 2.0, 3.0]))
c = Variable(np.array([[2.0], [3.0]]))
for op in ['+', '-', '*', '/']:
    a.cleargrad(); b.cleargrad(); c.cleargrad()
    y = eval(f"(a {op} b) {op} c")
    z = F.sum(y * y)
    z.backward()
    print(op, z, a.grad, b.grad, c.grad)
print(sum_to(np.arange(24).reshape(2, 3, 4), (3, 1)))
print(sum_to(np.arange(24).reshape(2, 3, 4), ()))
