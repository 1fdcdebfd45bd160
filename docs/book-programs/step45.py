import shim  # noqa: F401  (np.int for the book's package; digest)
import numpy as np
from dezero import Model
import dezero.layers as L
import dezero.functions as F
from dezero.models import MLP

np.random.seed(0)
x = np.random.rand(100, 1)
y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)

class TwoLayerNet(Model):
    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.l1 = L.Linear(hidden_size)
        self.l2 = L.Linear(out_size)
    def forward(self, x):
        y = F.sigmoid(self.l1(x))
        return self.l2(y)

model = TwoLayerNet(10, 1)
for i in range(10000):
    y_pred = model(x)
    loss = F.mean_squared_error(y, y_pred)
    model.cleargrads()
    loss.backward()
    for p in model.params():
        p.data -= 0.2 * p.grad.data
    if i % 1000 == 0:
        print(loss)
print(shim.digest(model))
m = MLP((10, 20, 1))
print(m(np.ones((2, 3))))
print(len(list(m.params())))
