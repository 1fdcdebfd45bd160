import shim  # noqa: F401  (np.int for the book's package; digest)
import numpy as np
from dezero import Variable, as_variable
import dezero.functions as F
from dezero.models import MLP

x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
y = F.get_item(x, 1)
print(y)
y.backward()
print(x.grad)
x.cleargrad()
indices = np.array([0, 0, 1])
y = F.get_item(x, indices)
print(y)
y.backward(); print(x.grad)
Variable.__getitem__ = F.get_item
print(x[1]); print(x[:, 2])

def softmax1d(x):
    x = as_variable(x)
    y = F.exp(x)
    return y / F.sum(y)

np.random.seed(0)
model = MLP((10, 3))
x = np.array([[0.2, -0.4]])
y = model(x)
p = softmax1d(y)
print(y); print(p)
x = np.array([[0.2, -0.4], [0.3, 0.5], [1.3, -3.2], [2.1, 0.3]])
t = np.array([2, 0, 1, 0])
y = model(x)
p = F.softmax(y)
print(y); print(p)
loss = F.softmax_cross_entropy(y, t)
model.cleargrads()
loss.backward()
print(loss)
print([p.grad.data.ravel()[:3].tolist() for p in sorted(model.params(), key=lambda p: p.data.size)])
loss2 = F.softmax_cross_entropy_simple(y, t)
model.cleargrads()
loss2.backward()
print(loss2)
print([p.grad.data.ravel()[:3].tolist() for p in sorted(model.params(), key=lambda p: p.data.size)])
ps = F.softmax_simple(y); print(ps)
