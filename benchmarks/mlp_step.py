"""One training step of an MLP: a stage against the same step written by hand in numpy.

    .nox/env/bin/python benchmarks/mlp_step.py                 # stage 51
    .nox/env/bin/python benchmarks/mlp_step.py --stage 51 --steps 100

The network is 784-1000-1000-10 with sigmoid, softmax cross-entropy and SGD (lr 0.1), on
float32 data in batches of 100: the book's MNIST setting. Both sides run in one child
process each, on the same random data, after a warm-up; each reports seconds per step and
the peak of its memory (tracemalloc, which sees numpy's buffers) over the first and the
last half of the steps, which must be equal if nothing accumulates. The hand-written step
computes what the framework computes (the same formulas), so the ratio is the framework's
cost: graph building, Variables, and the backward loop.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from dezero_stages import registry  # noqa: E402  (standard library only)

COMMON = r"""
import json, sys, time, tracemalloc
import numpy as np
steps = int(sys.argv[1])
rng = np.random.default_rng(0)
x = rng.random((100, 784), dtype=np.float32)
t = rng.integers(0, 10, 100)

def measure(step):
    step()  # warm-up: first-call allocations and lazy sizes
    tracemalloc.start()
    peaks, start = [], time.perf_counter()
    for i in range(steps):
        step()
        if i == steps // 2 - 1:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.reset_peak()
    seconds = (time.perf_counter() - start) / steps
    peaks.append(tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
    print(json.dumps({"seconds": seconds, "peaks": peaks}))
"""

STAGE = COMMON + r"""
sys.path.insert(0, sys.argv[2])
import dezero.functions as F
from dezero import optimizers
from dezero.models import MLP

np.random.seed(0)
model = MLP((1000, 1000, 10), activation=F.sigmoid)
optimizer = optimizers.SGD(0.1).setup(model)

def step():
    loss = F.softmax_cross_entropy(model(x), t)
    model.cleargrads()
    loss.backward()
    optimizer.update()
    assert loss.data.dtype == np.float32

measure(step)
"""

BY_HAND = COMMON + r"""
def sigmoid(a):
    return np.tanh(a * np.float32(0.5)) * np.float32(0.5) + np.float32(0.5)

np.random.seed(0)
sizes = [784, 1000, 1000, 10]
Ws = [(np.random.randn(i, o) * np.sqrt(1 / i)).astype(np.float32)
      for i, o in zip(sizes, sizes[1:])]
bs = [np.zeros(o, dtype=np.float32) for o in sizes[1:]]
lr = np.float32(0.1)

def step():
    hs = [x]
    for W, b in zip(Ws[:-1], bs[:-1]):
        hs.append(sigmoid(hs[-1] @ W + b))
    z = hs[-1] @ Ws[-1] + bs[-1]
    m = z.max(axis=1, keepdims=True)
    logp = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(len(t)), t].mean()
    g = np.exp(logp)
    g[np.arange(len(t)), t] -= 1
    g /= np.float32(len(t))
    for k in range(len(Ws) - 1, -1, -1):
        gW, gb = hs[k].T @ g, g.sum(axis=0)
        if k:
            g = (g @ Ws[k].T) * hs[k] * (1 - hs[k])
        Ws[k] -= lr * gW
        bs[k] -= lr * gb
    assert loss.dtype == np.float32

measure(step)
"""


def run(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", type=int, default=51)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    _, folder = registry.resolve(args.stage)
    hand = run(BY_HAND, str(args.steps))
    stage = run(STAGE, str(args.steps), str(folder))
    mib = 2 ** 20
    print(f"MLP 784-1000-1000-10, sigmoid, softmax cross-entropy, SGD, batch 100, float32, "
          f"{args.steps} steps")
    print(f"  by hand in numpy : {hand['seconds'] * 1e3:7.2f} ms/step   peak memory "
          f"{hand['peaks'][0] / mib:.1f} MiB, then {hand['peaks'][1] / mib:.1f} MiB")
    print(f"  stage {args.stage:<10} : {stage['seconds'] * 1e3:7.2f} ms/step   peak memory "
          f"{stage['peaks'][0] / mib:.1f} MiB, then {stage['peaks'][1] / mib:.1f} MiB")
    print(f"  stage / by hand  : {stage['seconds'] / hand['seconds']:.2f}x time "
          f"(goal: at most 1.3x)")
    grew = stage["peaks"][1] - stage["peaks"][0]
    print(f"  peak memory, second half against first: {grew / mib:+.2f} MiB "
          f"({'flat' if abs(grew) < mib else 'GROWS'})")


if __name__ == "__main__":
    main()
