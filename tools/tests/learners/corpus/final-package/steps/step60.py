if '__file__' in globals():
    import os, sys
    sys.path.append(os.path.join(os.path.dirname(__file__), '..'))
import numpy as np
import dezero
from dezero import Model
import dezero.functions as F
import dezero.layers as L

# Toy time series: a noisy sine wave, learned by an LSTM a few steps at a time.
max_epoch = 2
hidden_size = 10
bptt_length = 5
np.random.seed(0)
xs = np.sin(np.linspace(0, 4 * np.pi, 40)).reshape(-1, 1)
ts = np.roll(xs, -1, axis=0)


class BetterRNN(Model):
    def __init__(self, hidden_size, out_size):
        super().__init__()
        self.rnn = L.LSTM(hidden_size)
        self.fc = L.Linear(out_size)

    def reset_state(self):
        self.rnn.reset_state()

    def forward(self, x):
        y = self.rnn(x)
        y = self.fc(y)
        return y


model = BetterRNN(hidden_size, 1)
optimizer = dezero.optimizers.Adam().setup(model)

for epoch in range(max_epoch):
    model.reset_state()
    loss, count = 0, 0

    for x, t in zip(xs, ts):
        x = x.reshape(1, 1)
        y = model(x)
        loss += F.mean_squared_error(y, t.reshape(1, 1))
        count += 1

        if count % bptt_length == 0 or count == len(xs):
            model.cleargrads()
            loss.backward()
            loss.unchain_backward()
            optimizer.update()

    avg_loss = float(loss.data) / count
    print('| epoch %d | loss %f' % (epoch + 1, avg_loss))
