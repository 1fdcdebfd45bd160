"""Book step 53, float64 and on the spiral data: train, save, run again from the file."""
import shim  # noqa: F401
import os, sys
import numpy as np
import dezero
import dezero.functions as F
import dezero.layers as L
from dezero import optimizers, DataLoader, Model

class Net(Model):
    def __init__(self):
        super().__init__()
        self.l1 = L.Linear(10, dtype=np.float64)
        self.l2 = L.Linear(3, dtype=np.float64)
    def forward(self, x):
        return self.l2(F.sigmoid(self.l1(x)))

def run(run_no):
    np.random.seed(run_no)
    train_set = dezero.datasets.Spiral(train=True, transform=lambda x: x.astype(np.float64))
    loader = DataLoader(train_set, 30)
    model = Net()
    optimizer = optimizers.SGD(lr=1.0).setup(model)
    if os.path.exists("my_mlp.npz"):
        model.load_weights("my_mlp.npz")
        d = {}
        model._flatten_params(d)
        print("loaded", [(k, repr(float(d[k].data.sum()))) for k in sorted(d)])
    for epoch in range(3):
        sum_loss = 0
        for x, t in loader:
            y = model(x)
            loss = F.softmax_cross_entropy(y, t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            sum_loss += float(loss.data) * len(t)
        print("run {} epoch {}, loss {!r}".format(run_no, epoch + 1, sum_loss / len(train_set)))
    model.save_weights("my_mlp.npz")
    with np.load("my_mlp.npz") as npz:
        print("keys", sorted(npz.files), [str(npz[k].dtype) for k in sorted(npz.files)])
        print("sums", [repr(float(npz[k].sum())) for k in sorted(npz.files)])
    # the book's save name without .npz
    model.save_weights("noext")
    print("files", sorted(f for f in os.listdir(".") if not f.startswith(".")))

os.chdir(sys.argv[1])
run(0)
run(1)
