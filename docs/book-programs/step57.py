import numpy as np
import shim  # noqa: F401, E402  (np.int for the book's package)
from dezero import Variable
import dezero.functions as F
import dezero.layers as L

np.random.seed(0)
x1 = np.random.rand(1, 3, 7, 7)
col1 = F.im2col(x1, kernel_size=5, stride=1, pad=0, to_matrix=True)
print(col1.shape, repr(col1.data.sum()), repr(col1.data[3, 7]))
x2 = np.random.rand(10, 3, 7, 7)
col2 = F.im2col(x2, (5, 5), (1, 1), (0, 0), to_matrix=True)
print(col2.shape, repr(col2.data.sum()))

N, C, H, W = 1, 5, 15, 15
OC, (KH, KW) = 8, (3, 3)
x = Variable(np.random.randn(N, C, H, W))
W = np.random.randn(OC, C, KH, KW)
y = F.conv2d_simple(x, W, b=None, stride=1, pad=1)
y.backward()
print(y.shape, x.grad.shape)
print(repr(y.data.sum()), repr(y.data[0, 3, 4, 5]), repr(x.grad.data.sum()), repr(x.grad.data[0, 2, 7, 7]))

x = Variable(np.random.randn(2, 3, 9, 8))
W = Variable(np.random.randn(4, 3, 3, 3))
b = Variable(np.random.randn(4))
y = F.conv2d(x, W, b, stride=2, pad=1)
F.sum(y * 3.0).backward()
print(y.shape, repr(y.data.sum()), repr(x.grad.data.sum()), repr(W.grad.data.sum()), repr(b.grad.data.sum()))
ys = F.conv2d_simple(x.data, W.data, b.data, stride=2, pad=1)
print("simple==conv2d", np.abs(ys.data - y.data).max())
p = F.pooling(y, 2, 2)
print(p.shape, repr(p.data.sum()))
x.cleargrad()
F.sum(F.pooling(x, 3, 2) * 2).backward()
print(repr(x.grad.data.sum()), repr(np.abs(x.grad.data).sum()))
a = F.average_pooling(x, 2, 2)
x.cleargrad(); F.sum(a * a).backward()
print(a.shape, repr(a.data.sum()), repr(x.grad.data.sum()))
d = F.deconv2d(y, W, np.arange(3.0), stride=2, pad=1)
print(d.shape, repr(d.data.sum()))
ps = F.pooling_simple(x, 2, 2)
print(ps.shape, repr(ps.data.sum()))

np.random.seed(1)
conv = L.Conv2d(6, kernel_size=3, stride=1, pad=1)
h = conv(np.random.randn(2, 3, 5, 5).astype(np.float32))
print(h.shape, h.dtype, conv.W.shape, conv.W.dtype, repr(float(h.data.sum())))
