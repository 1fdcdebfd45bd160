import shim  # noqa: F401  (np.int for the book's package; digest)
import math
import numpy as np
import dezero
from dezero import optimizers
import dezero.functions as F
from dezero.models import MLP
from dezero import transforms as T

train_set = dezero.datasets.Spiral(train=True)
print(train_set[0], len(train_set))
s2 = dezero.datasets.Spiral(transform=T.Normalize(0.5, 2.0), target_transform=T.ToFloat())
print(s2[3])
c = T.Compose([T.Flatten(), T.ToFloat(), T.Normalize(0., 255.)])
a = np.arange(12, dtype=np.uint8).reshape(1, 3, 4) * 20
print(c(a), c(a).dtype)
print(T.Normalize([1., 2., 3.], [2., 4., 8.])(np.ones((3, 2, 2), np.float32)))
print(T.ToInt()(np.array([1.7, -2.2])), T.AsType(np.float64)(np.array([1], np.int8)).dtype)
train_set = dezero.datasets.Spiral(train=True)
model = MLP((10, 3))
optimizer = optimizers.SGD(1.0).setup(model)
data_size = len(train_set)
max_iter = math.ceil(data_size / 30)
for epoch in range(300):
    index = np.random.permutation(data_size)
    sum_loss = 0
    for i in range(max_iter):
        bi = index[i * 30:(i + 1) * 30]
        batch = [train_set[j] for j in bi]
        bx = np.array([e[0] for e in batch]); bt = np.array([e[1] for e in batch])
        y = model(bx)
        loss = F.softmax_cross_entropy(y, bt)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        sum_loss += float(loss.data) * len(bt)
    print('epoch %d, loss %r' % (epoch + 1, sum_loss / data_size))
print(shim.digest(model))
