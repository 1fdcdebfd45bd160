"""One training step of an MLP: a stage against the same step written by hand in numpy.

    .nox/env/bin/python benchmarks/mlp_step.py                 # stage 51
    .nox/env/bin/python benchmarks/mlp_step.py --stage 51 --steps 100
    python benchmarks/mlp_step.py --stage 60 --gpu --batch 1000   # with CuPy and a GPU

The network is 784-1000-1000-10 with sigmoid, softmax cross-entropy and SGD (lr 0.1), on
float32 data in batches of 100: the book's MNIST setting. Both sides run in one child
process each, on the same random data, after a warm-up; each reports seconds per step and
the peak of its memory (tracemalloc, which sees numpy's buffers) over the first and the
last half of the steps, which must be equal if nothing accumulates. The hand-written step
computes what the framework computes (the same formulas), so the ratio is the framework's
cost: graph building, Variables, the backward loop, and one matrix product more: DeZero
gives every input of a function its gradient (the book has no requires_grad), the input
data's too. A second hand-written run that computes that gradient as well shows how much of
the ratio it is.
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
steps, batch, gpu = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "gpu"
with_gx = len(sys.argv) > 4 and sys.argv[4] == "gx"
xp = np
if gpu:
    import cupy as xp
rng = np.random.default_rng(0)
x = xp.asarray(rng.random((batch, 784), dtype=np.float32))
t = xp.asarray(rng.integers(0, 10, batch))

def sync():
    if gpu:
        xp.cuda.Stream.null.synchronize()

def measure(step):
    step()  # warm-up: first-call allocations and lazy sizes
    sync()
    if not gpu:
        tracemalloc.start()
    peaks, start = [0, 0], time.perf_counter()
    for i in range(steps):
        step()
        if i == steps // 2 - 1 and not gpu:
            peaks[0] = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
    sync()
    seconds = (time.perf_counter() - start) / steps
    if not gpu:
        peaks[1] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(json.dumps({"seconds": seconds, "peaks": peaks}))
"""

STAGE = COMMON + r"""
sys.path.insert(0, sys.argv[4])
import dezero.functions as F
from dezero import optimizers
from dezero.models import MLP

np.random.seed(0)
model = MLP((1000, 1000, 10), activation=F.sigmoid)
if gpu:
    model.to_gpu()
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
    return xp.tanh(a * np.float32(0.5)) * np.float32(0.5) + np.float32(0.5)

np.random.seed(0)
sizes = [784, 1000, 1000, 10]
Ws = [xp.asarray((np.random.randn(i, o) * np.sqrt(1 / i)).astype(np.float32))
      for i, o in zip(sizes, sizes[1:])]
bs = [xp.zeros(o, dtype=np.float32) for o in sizes[1:]]
lr = np.float32(0.1)

def step():
    hs = [x]
    for W, b in zip(Ws[:-1], bs[:-1]):
        hs.append(sigmoid(hs[-1] @ W + b))
    z = hs[-1] @ Ws[-1] + bs[-1]
    m = z.max(axis=1, keepdims=True)
    logp = z - m - xp.log(xp.exp(z - m).sum(axis=1, keepdims=True))
    loss = -logp[xp.arange(len(t)), t].mean()
    g = xp.exp(logp)
    g[xp.arange(len(t)), t] -= 1
    g /= np.float32(len(t))
    for k in range(len(Ws) - 1, -1, -1):
        gW, gb = hs[k].T @ g, g.sum(axis=0)
        if k:
            g = (g @ Ws[k].T) * hs[k] * (1 - hs[k])
        elif with_gx:
            gx = g @ Ws[0].T  # the input's gradient, which DeZero computes as well
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


def gpu_available() -> bool:
    probe = "import cupy; assert cupy.cuda.runtime.getDeviceCount() > 0"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", type=int, default=51)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--gpu", action="store_true", help="both sides on the GPU (CuPy)")
    args = parser.parse_args()
    if args.gpu and not gpu_available():
        raise SystemExit("--gpu: CuPy/CUDA not available (install cupy and use a machine "
                         "with an NVIDIA GPU)")
    _, folder = registry.resolve(args.stage)
    common = (str(args.steps), str(args.batch), "gpu" if args.gpu else "cpu")
    hand = run(BY_HAND, *common)
    hand_gx = run(BY_HAND, *common, "gx")
    stage = run(STAGE, *common, str(folder))
    mib = 2 ** 20
    where = "GPU, CuPy" if args.gpu else "numpy"
    print(f"MLP 784-1000-1000-10, sigmoid, softmax cross-entropy, SGD, batch {args.batch}, "
          f"float32, {args.steps} steps")
    print(f"  by hand ({where}) : {hand['seconds'] * 1e3:7.2f} ms/step   peak memory "
          f"{hand['peaks'][0] / mib:.1f} MiB, then {hand['peaks'][1] / mib:.1f} MiB")
    print(f"  by hand, and dL/dx : {hand_gx['seconds'] * 1e3:7.2f} ms/step   (the input's "
          f"gradient too)")
    print(f"  stage {args.stage:<10} : {stage['seconds'] * 1e3:7.2f} ms/step   peak memory "
          f"{stage['peaks'][0] / mib:.1f} MiB, then {stage['peaks'][1] / mib:.1f} MiB")
    print(f"  stage / by hand  : {stage['seconds'] / hand['seconds']:.2f}x time "
          f"(goal: at most 1.3x)")
    print(f"  stage / by hand with dL/dx: {stage['seconds'] / hand_gx['seconds']:.2f}x "
          f"(DeZero gives every input of a function its gradient, the data's too: the book "
          f"has no requires_grad)")
    grew = stage["peaks"][1] - stage["peaks"][0]
    print(f"  peak memory, second half against first: {grew / mib:+.2f} MiB "
          f"({'flat' if abs(grew) < mib else 'GROWS'})")


if __name__ == "__main__":
    main()
