"""A program written for the book's final DeZero package, run unchanged on stage 60."""
import os
import tempfile
import numpy as np
import shim  # noqa: F401, E402  (np.int for the book's package)
from PIL import Image
import dezero
import dezero.functions as F
import dezero.layers as L
from dezero import DataLoader, SeqDataLoader, Model, optimizers, test_mode, no_grad, utils
from dezero.models import MLP, Sequential, VGG16
from dezero import transforms as T
from dezero.datasets import Spiral, SinCurve


def show(label, v):
    a = v.data if isinstance(v, dezero.Variable) else np.asarray(v)
    print(f"{label}: shape {a.shape} sum {float(np.sum(a)):.10f}")


np.random.seed(0)
# 1. Spiral + transforms + DataLoader + Sequential + MomentumSGD with hooks
train_set = Spiral(train=True, transform=T.Compose([T.AsType(np.float64), T.Normalize(0.0, 1.0)]))
loader = DataLoader(train_set, batch_size=30)
model = Sequential(L.Linear(10), F.leaky_relu, L.Linear(10), F.relu, L.Linear(3))
opt = optimizers.MomentumSGD(lr=0.5).setup(model)
opt.add_hook(optimizers.WeightDecay(1e-4))
opt.add_hook(optimizers.ClipGrad(1.0))
for epoch in range(5):
    total, acc = 0.0, 0.0
    for x, t in loader:
        y = model(x)
        loss = F.softmax_cross_entropy(y, t)
        model.cleargrads()
        loss.backward()
        opt.update()
        total += float(loss.data) * len(t)
        acc += float(F.accuracy(y, t).data) * len(t)
    print(f"spiral epoch {epoch + 1}: loss {total / len(train_set):.10f} acc {acc / len(train_set):.4f}")

# 2. log_softmax, max/min, clip, leaky_relu, average_pooling, deconv2d, gradients
x = dezero.Variable(np.random.randn(2, 3))
y = F.sum(F.log_softmax(x) * np.arange(3)) + F.max(x) - F.min(x, axis=1).sum() + F.sum(F.clip(x, -0.5, 0.5))
y.backward()
show("composite", y); show("composite grad", x.grad)
img = dezero.Variable(np.random.randn(2, 3, 8, 8))
W = np.random.randn(4, 3, 3, 3)
h = F.conv2d(img, W, np.zeros(4), stride=1, pad=1)
h = F.average_pooling(F.pooling(F.leaky_relu(h), 2, 2), 2, 1)
g = F.deconv2d(h, np.random.randn(4, 2, 3, 3), None, stride=2, pad=1)
F.sum(g * g).backward()
show("conv stack", g); show("conv stack grad", img.grad)
print("gradient_check conv2d:", utils.gradient_check(lambda v: F.conv2d(v, W, None, 1, 1), np.random.randn(1, 3, 5, 5)))

# 3. a CNN with BatchNorm on random images, Adam, test mode
class CNN(Model):
    def __init__(self):
        super().__init__()
        self.c1 = L.Conv2d(8, kernel_size=3, stride=1, pad=1)
        self.bn = L.BatchNorm()
        self.fc = L.Linear(2)

    def forward(self, x):
        h = F.relu(self.bn(self.c1(x)))
        h = F.pooling(h, 2, 2)
        h = F.reshape(h, (h.shape[0], -1))
        return self.fc(F.dropout(h, 0.3))

cnn = CNN()
adam = optimizers.Adam().setup(cnn)
xs = np.random.randn(16, 1, 8, 8)  # float64: the book leaks float64 gradients into float32 models (its softmax_cross_entropy)
ts = (xs.mean(axis=(1, 2, 3)) > 0).astype(np.int64)
for i in range(10):
    y = cnn(xs)
    loss = F.softmax_cross_entropy(y, ts)
    cnn.cleargrads()
    loss.backward()
    adam.update()
print(f"cnn loss {float(loss.data):.6f}, running mean {cnn.bn.avg_mean.data.sum():.6f}")
with test_mode():
    yt = cnn(xs)
print(f"cnn test-mode accuracy {float(F.accuracy(yt, ts).data):.4f}")

# 4. save / load weights
d = tempfile.mkdtemp()
path = os.path.join(d, "cnn.npz")
cnn.save_weights(path)
cnn2 = CNN()
with no_grad(), test_mode():
    cnn2(xs)
cnn2.load_weights(path)
with no_grad(), test_mode():
    print("reloaded same scores:", np.array_equal(cnn2(xs).data, yt.data))

# 5. LSTM + SeqDataLoader + AdaGrad, truncated BPTT
seq = SinCurve(train=True)
sl = SeqDataLoader(seq, batch_size=10)
rnn = Sequential(L.LSTM(20), L.Linear(1))
ada = optimizers.AdaGrad(lr=0.05).setup(rnn)
rnn.l0.reset_state()
loss, count = 0, 0
for x, t in sl:
    loss += F.mean_squared_error(rnn(x), t)
    count += 1
    if count % 20 == 0:
        rnn.cleargrads(); loss.backward(); loss.unchain_backward(); ada.update()
print(f"lstm loss {float(loss.data) / count:.10f}")

# 6. PIL transforms and VGG16 with random weights
arr = (np.arange(3 * 40 * 50) % 251).astype(np.uint8).reshape(40, 50, 3)
pil = Image.fromarray(arr)
tf = T.Compose([T.Convert("RGB"), T.Resize(36), T.CenterCrop(32), T.ToArray(), T.Normalize(128.0, 64.0)])
a = tf(pil)
show("pil transforms", a)
back = T.ToPIL()(a.clip(0, 255).astype(np.uint8)); print("ToPIL", back.size, back.mode)
print("BGR", np.asarray(T.Convert("BGR")(pil))[0, 0], "ToInt", T.ToInt()(np.array([1.7])).dtype)
vgg = VGG16(pretrained=False)
with test_mode(), no_grad():
    s = vgg(a[np.newaxis].astype(np.float32))
print(f"vgg16 scores {s.shape} argmax {int(s.data.argmax())} sum {float(s.data.sum()):.4f}")
x = VGG16.preprocess(pil, size=(32, 32)); show("vgg preprocess", x)
