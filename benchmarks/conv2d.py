"""conv2d forward and backward: a stage's im2col path against numpy im2col by hand.

    .nox/env/bin/python benchmarks/conv2d.py                    # stage 60
    .nox/env/bin/python benchmarks/conv2d.py --stage 57 --repeat 50

A batch of 32 images of 28x28 with 8 channels, 16 filters of 3x3, stride 1, pad 1, float32.
Both sides run in their own process on the same data and compute the same things: the
output, then the gradients of the input, the filters and the bias for a given output
gradient. The hand-written side uses numpy's sliding_window_view for im2col and a loop of
strided additions for col2im, the usual way to write it in numpy; the stage's results are
checked against it before anything is timed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from dezero_stages import registry  # noqa: E402  (standard library only)

COMMON = r"""
import json, sys, time
import numpy as np
repeat = int(sys.argv[1])
rng = np.random.default_rng(0)
N, C, H, W, OC, K = 32, 8, 28, 28, 16, 3
x = rng.standard_normal((N, C, H, W)).astype(np.float32)
w = rng.standard_normal((OC, C, K, K)).astype(np.float32)
b = rng.standard_normal(OC).astype(np.float32)
gy = rng.standard_normal((N, OC, H, W)).astype(np.float32)

def timed(step):
    out = step()
    start = time.perf_counter()
    for _ in range(repeat):
        step()
    return (time.perf_counter() - start) / repeat, out
"""

BY_HAND = COMMON + r"""
def step():
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    col = np.lib.stride_tricks.sliding_window_view(xp, (K, K), axis=(2, 3))  # N,C,H,W,K,K
    y = np.tensordot(col, w, ((1, 4, 5), (1, 2, 3))).transpose(0, 3, 1, 2) + b[:, None, None]
    gw = np.tensordot(gy, col, ((0, 2, 3), (0, 2, 3)))  # OC,C,K,K
    gb = gy.sum(axis=(0, 2, 3))
    gcol = np.tensordot(gy, w, ((1,), (0,)))  # N,H,W,C,K,K
    gxp = np.zeros_like(xp)
    for i in range(K):
        for j in range(K):
            gxp[:, :, i:i + H, j:j + W] += gcol[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return y, gxp[:, :, 1:-1, 1:-1], gw, gb

seconds, (y, gx, gw, gb) = timed(step)
np.savez(sys.argv[2], y=y, gx=gx, gw=gw, gb=gb)
print(json.dumps({"seconds": seconds}))
"""

STAGE = COMMON + r"""
sys.path.insert(0, sys.argv[3])
import dezero
import dezero.functions as F

def step():
    xv, wv, bv = dezero.Variable(x), dezero.Variable(w), dezero.Variable(b)
    y = F.conv2d(xv, wv, bv, stride=1, pad=1)
    y.grad = dezero.Variable(gy)
    y.backward()
    return y.data, xv.grad.data, wv.grad.data, bv.grad.data

seconds, (y, gx, gw, gb) = timed(step)
ref = np.load(sys.argv[2])
for name, got in zip("y gx gw gb".split(), (y, gx, gw, gb)):
    assert got.dtype == np.float32, (name, got.dtype)
    np.testing.assert_allclose(got, ref[name], rtol=1e-3, atol=1e-3, err_msg=name)
print(json.dumps({"seconds": seconds}))
"""


def run(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    _, folder = registry.resolve(args.stage)
    with tempfile.TemporaryDirectory() as tmp:
        reference = str(Path(tmp) / "by_hand.npz")
        hand = run(BY_HAND, str(args.repeat), reference)
        stage = run(STAGE, str(args.repeat), reference, str(folder))
    print("conv2d, batch 32, 28x28, 8 -> 16 channels, 3x3, pad 1, float32, forward + backward")
    print(f"  numpy im2col by hand : {hand['seconds'] * 1e3:7.2f} ms")
    print(f"  stage {args.stage:<14} : {stage['seconds'] * 1e3:7.2f} ms   (results agree)")
    print(f"  stage / by hand      : {stage['seconds'] / hand['seconds']:.2f}x")


if __name__ == "__main__":
    main()
