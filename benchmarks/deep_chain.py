"""The book's step-8 claim at full size: a 100 000-op chain backpropagates.

    .nox/env/bin/python benchmarks/deep_chain.py --stages 8 17 36

The suite checks the property behind it cheaply (backward's stack depth does not grow with
the chain: a 10 000-op chain under a recursion limit of 100 frames); this runs the full
chain on each stage asked for, each in a process of its own, and prints the time against
the same chain written by hand in numpy (forward products, then the gradient back), measured
in the same run.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from dezero_stages import registry  # noqa: E402

N, C = 100_000, 1.0001

STAGE_SCRIPT = f"""
import math, sys, time
import numpy as np
import dezero
n, c = {N}, {C}

class Scale(dezero.Function):
    def forward(self, x):
        return x * c

    def backward(self, gy):
        return gy * c

x = dezero.Variable(np.array(1.0))
start = time.perf_counter()
y = x
for _ in range(n):
    y = Scale()(y)
if x.grad is None and getattr(dezero, "__step__", 9) < 9:
    y.grad = np.array(1.0)
y.backward()
took = time.perf_counter() - start
g = float(x.grad.data if isinstance(x.grad, dezero.Variable) else x.grad)
assert abs(g - math.exp(n * math.log(c))) < 1e-6 * g, g
print(took)
"""


def by_hand() -> float:
    import numpy as np

    start = time.perf_counter()
    values = [np.array(1.0)]
    for _ in range(N):
        values.append(values[-1] * C)
    grad = np.array(1.0)
    for _ in range(N):
        grad = grad * C
    assert abs(float(grad) - math.exp(N * math.log(C))) < 1e-6 * float(grad)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, nargs="+", default=[8, 17, 36])
    args = parser.parse_args()
    base = by_hand()
    print(f"by hand in numpy: {base:.3f} s for {N} ops forward and back")
    for step in args.stages:
        _, folder = registry.resolve(step)
        done = subprocess.run([sys.executable, "-c", STAGE_SCRIPT], cwd=folder,
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"step {step}: failed\n{done.stderr[-1500:]}")
            continue
        took = float(done.stdout.split()[-1])
        print(f"step {step}: {took:.3f} s  ({took / base:.1f}x by hand)")


if __name__ == "__main__":
    main()
