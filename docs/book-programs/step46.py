import shim  # noqa: F401  (np.int for the book's package; digest)
import numpy as np
import dezero.functions as F
from dezero import optimizers
from dezero.models import MLP

def run(opt, iters=3000):
    np.random.seed(0)
    x = np.random.rand(100, 1)
    y = np.sin(2 * np.pi * x) + np.random.rand(100, 1)
    model = MLP((10, 1))
    opt.setup(model)
    for i in range(iters):
        y_pred = model(x)
        loss = F.mean_squared_error(y, y_pred)
        model.cleargrads()
        loss.backward()
        opt.update()
        if i % 1000 == 0:
            print(type(opt).__name__, loss)
    print(type(opt).__name__, loss, shim.digest(model))

run(optimizers.SGD(0.2), 10000)
run(optimizers.MomentumSGD(0.2))
run(optimizers.MomentumSGD(0.05, 0.5))
run(optimizers.AdaGrad(0.2))
run(optimizers.AdaDelta())
run(optimizers.Adam(0.01))
run(optimizers.Adam())
a = optimizers.Adam(); a.t = 3; print(a.lr)
