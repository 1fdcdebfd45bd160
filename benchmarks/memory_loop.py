"""Memory of the book's step-17 loop on several stages, against stage 16 as the baseline.

    for i in range(N): x = Variable(np.random.randn(10000)); y = square(square(square(x)))

Each stage runs in its own process (each has its own `dezero`), with the cyclic garbage
collector disabled as in the tests, under tracemalloc. Reported: peak traced memory and the
memory still held at the end, and their ratio to the baseline stage. Before step 17 every
graph is a reference cycle, so memory grows with N; from step 17 on it stays flat.
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

CHILD = r"""
import gc, json, sys, tracemalloc
import numpy as np
sys.path.insert(0, sys.argv[1])
import dezero
square = getattr(dezero, "square", None) or (lambda x: dezero.Square()(x))
iters = int(sys.argv[2])
gc.disable()
tracemalloc.start()
for _ in range(iters):
    x = dezero.Variable(np.random.randn(10000))
    y = square(square(square(x)))
current, peak = tracemalloc.get_traced_memory()
print(json.dumps({"current": current, "peak": peak}))
"""


def measure(step: int, iters: int) -> dict:
    _, folder = registry.resolve(step)
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(iters)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, nargs="+", default=[16, 17, 18, 22])
    parser.add_argument("--baseline", type=int, default=16)
    parser.add_argument("--iters", type=int, default=100)
    args = parser.parse_args()

    base = measure(args.baseline, args.iters)
    print(f"book loop x{args.iters}, gc disabled; baseline stage {args.baseline}: "
          f"peak {base['peak'] / 2**20:.1f} MiB, held {base['current'] / 2**20:.1f} MiB")
    print(f"{'stage':>5} {'peak MiB':>9} {'held MiB':>9} {'peak ratio':>11} {'held ratio':>11}")
    for step in args.stages:
        m = base if step == args.baseline else measure(step, args.iters)
        print(f"{step:>5} {m['peak'] / 2**20:>9.2f} {m['current'] / 2**20:>9.2f} "
              f"{m['peak'] / base['peak']:>11.3f} {m['current'] / base['current']:>11.3f}")


if __name__ == "__main__":
    main()
