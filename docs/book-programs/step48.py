import shim  # noqa: F401  (np.int for the book's package; digest)
import math
import numpy as np
import dezero
from dezero import optimizers
import dezero.functions as F
from dezero.models import MLP

x, t = dezero.datasets.get_spiral(train=True)
print(x.dtype, t.dtype, x.shape, t.shape, x[:3].tolist(), t[:10].tolist())
xt, tt = dezero.datasets.get_spiral(train=False)
print(xt[:2].tolist(), tt[:10].tolist())
x, t = dezero.datasets.get_spiral(train=True)
model = MLP((10, 3))
optimizer = optimizers.SGD(1.0).setup(model)
data_size = len(x)
max_iter = math.ceil(data_size / 30)
for epoch in range(300):
    index = np.random.permutation(data_size)
    sum_loss = 0
    for i in range(max_iter):
        bi = index[i * 30:(i + 1) * 30]
        y = model(x[bi])
        loss = F.softmax_cross_entropy(y, t[bi])
        model.cleargrads()
        loss.backward()
        optimizer.update()
        sum_loss += float(loss.data) * len(bi)
    print('epoch %d, loss %r' % (epoch + 1, sum_loss / data_size))
print(shim.digest(model), loss.data.dtype)
