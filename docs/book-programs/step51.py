import shim  # noqa: F401  (np.int for the book's package; digest)
import numpy as np
import dezero
from dezero import optimizers, DataLoader
import dezero.functions as F
from dezero.models import MLP
train_set = dezero.datasets.Spiral(train=True)
loader = DataLoader(train_set, 30)
model = MLP((10, 10, 3), activation=F.relu)
opt = optimizers.Adam().setup(model)
for epoch in range(30):
    s = 0
    for x, t in loader:
        y = model(x)
        loss = F.softmax_cross_entropy(y, t)
        model.cleargrads(); loss.backward(); opt.update()
        s += float(loss.data) * len(t)
    print(epoch, repr(s / len(train_set)))
print(shim.digest(model))
x = dezero.Variable(np.array([[-1.0, 0.0, 2.0]]))
y = F.relu(x); y.backward(); print(y, x.grad)
