"""Imported first by every program here, on both sides of the comparison.

- The book's package (dezero 0.0.13 on PyPI) uses `np.int`, gone since NumPy 1.24: give it
  back, for the book's run only (the stages never use it).
- VERIFY_F64=1 builds every L.Linear and L.Conv2d in float64 in both implementations, so
  that a comparison under NumPy 2 is free of the book's float32 -> float64 leak
  (CONTRIBUTING).
- digest(model): a short hash of a model's parameters, printed instead of every number.
"""

import hashlib
import os

import numpy as np

if not hasattr(np, "int"):
    np.int = int

if os.environ.get("VERIFY_F64"):
    import dezero.layers as L

    L.Linear.__init__.__defaults__ = (False, np.float64, None)
    if hasattr(L, "Conv2d"):  # (stride, pad, nobias, dtype, in_channels)
        L.Conv2d.__init__.__defaults__ = (1, 0, False, np.float64, None)


def digest(model):
    h = hashlib.sha256()
    for p in sorted(model.params(), key=lambda p: (p.name or "", p.data.shape,
                                                    p.data.tobytes())):
        h.update(np.ascontiguousarray(p.data).tobytes())
    dtypes = sorted({str(p.data.dtype) for p in model.params()})
    return h.hexdigest()[:16] + " " + ",".join(dtypes)
