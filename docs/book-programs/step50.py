import shim  # noqa: F401  (np.int for the book's package; digest)
import numpy as np
import dezero
from dezero import optimizers
import dezero.functions as F
from dezero.models import MLP
from dezero import DataLoader

train_set = dezero.datasets.Spiral(train=True)
test_set = dezero.datasets.Spiral(train=False)
train_loader = DataLoader(train_set, 30)
test_loader = DataLoader(test_set, 30, shuffle=False)
model = MLP((10, 3))
optimizer = optimizers.SGD(1.0).setup(model)
for epoch in range(300):
    sum_loss, sum_acc = 0, 0
    for x, t in train_loader:
        y = model(x)
        loss = F.softmax_cross_entropy(y, t)
        acc = F.accuracy(y, t)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        sum_loss += float(loss.data) * len(t)
        sum_acc += float(acc.data) * len(t)
    print('epoch: {}'.format(epoch + 1))
    print('train loss: {!r}, accuracy: {!r}'.format(sum_loss / len(train_set), sum_acc / len(train_set)))
    sum_loss, sum_acc = 0, 0
    with dezero.no_grad():
        for x, t in test_loader:
            y = model(x)
            loss = F.softmax_cross_entropy(y, t)
            acc = F.accuracy(y, t)
            sum_loss += float(loss.data) * len(t)
            sum_acc += float(acc.data) * len(t)
    print('test loss: {!r}, accuracy: {!r}'.format(sum_loss / len(test_set), sum_acc / len(test_set)))
print(shim.digest(model))
dl = DataLoader(train_set, 32)
shapes = [b[0].shape for b in dl]
print(shapes, len(shapes))
x, t = dl.next(); print(x.dtype, t.dtype, x.shape)
print(F.accuracy(np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), np.array([1, 1, 1])))
