import sys
import numpy as np
import shim  # noqa: F401, E402  (np.int for the book's package)
import dezero
from dezero import Model
import dezero.functions as F
import dezero.layers as L

np.random.seed(0)
max_epoch = int(sys.argv[1]) if len(sys.argv) > 1 else 3
hidden_size = 100
bptt_length = 30

train_set = dezero.datasets.SinCurve(train=True)
seqlen = len(train_set)
print(len(train_set), train_set.data.shape, train_set.label.shape, train_set.data.dtype, repr(train_set.data.sum()))
test_set = dezero.datasets.SinCurve(train=False)
print(repr(test_set.data.sum()), repr(np.random.rand()))


class SimpleRNN(Model):
    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.rnn = L.RNN(hidden_size)
        self.fc = L.Linear(out_size)

    def reset_state(self):
        self.rnn.reset_state()

    def __call__(self, x):
        h = self.rnn(x)
        y = self.fc(h)
        return y


model = SimpleRNN(hidden_size, 1)
optimizer = dezero.optimizers.Adam().setup(model)

for epoch in range(max_epoch):
    model.reset_state()
    loss, count = 0, 0

    for x, t in train_set:
        x = x[:, np.newaxis]
        y = model(x)
        loss += F.mean_squared_error(y, t)
        count += 1

        if count % bptt_length == 0 or count == seqlen:
            model.cleargrads()
            loss.backward()
            loss.unchain_backward()
            optimizer.update()

    avg_loss = float(loss.data) / count
    print('| epoch %d | loss %r' % (epoch + 1, avg_loss))

xs = np.cos(np.linspace(0, 4 * np.pi, 1000))
model.reset_state()
pred_list = []
with dezero.no_grad():
    for x in xs:
        x = np.array(x).reshape(1, 1)
        y = model(x)
        pred_list.append(y.data.item())
print(repr(sum(pred_list)), repr(pred_list[500]))
print(model.rnn.x2h.W.dtype, model.rnn.h2h.W.shape, y.dtype)
