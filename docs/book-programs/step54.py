"""Book step 54 (its program first), then more draws, float32, ratios and gradients."""
import shim  # noqa: F401
import numpy as np
import dezero
from dezero import test_mode, Variable
import dezero.functions as F

np.random.seed(0)
x = np.ones(5)
print(x)
# When training
y = F.dropout(x)
print(y)
# When testing (predicting)
with test_mode():
    y = F.dropout(x)
    print(y)
print("train flag after:", dezero.Config.train)

np.set_printoptions(precision=17)
for ratio in (0.5, 0.3, 0.0, 0.9, 0.25):
    y = F.dropout(np.arange(12.0).reshape(3, 4), ratio)
    print(ratio, repr(y.data), y.dtype)
x32 = Variable(np.random.randn(2, 3).astype(np.float32))
y = F.dropout(x32, 0.4)
print(repr(y.data), y.dtype)
y.backward()
print("grad32", repr(x32.grad.data), x32.grad.dtype)
x = Variable(np.random.randn(4, 3))
y = F.dropout(x, 0.2)
y.backward()
print(repr(y.data), repr(x.grad.data))
with test_mode():
    y = F.dropout(x, 0.2)
    print(type(y).__name__, y is x)
print("rng state after:", np.random.rand())
