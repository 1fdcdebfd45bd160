"""How long the capability matrix takes: per stage, and in all.

    .nox/env/bin/python benchmarks/matrix_time.py                 # every built stage
    .nox/env/bin/python benchmarks/matrix_time.py --stages 1-36 --jobs 2

Two ways of running the same suite over the same stages, in the same run:

- baseline: one `pytest` process per step, `--jobs` of them at a time (how the matrix ran
  before dezero_stages.batch);
- batch: `--jobs` worker processes, each running its share of the steps in one Python
  process (what `tools matrix` does now).

It prints seconds per step for both and the wall time of each, with their ratio. Python's
bytecode cache is on for both (the suite's assertion rewriting is cached with it), so run it
twice and read the second: that is the warm matrix.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from dezero_stages import batch, registry, suite  # noqa: E402

# Both runs cache bytecode, whatever the caller's environment says.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def parse_steps(spec: str | None) -> list[int]:
    valid = registry.session_steps()
    if not spec:
        return valid
    low, _, high = spec.partition("-")
    wanted = range(int(low), int(high or low) + 1)
    return [s for s in valid if s in wanted]


def one_process_per_step(steps, jobs, tmp) -> tuple[dict[int, float], float]:
    def run(step):
        start = time.perf_counter()
        command = suite.pytest_command(step, report=pathlib.Path(tmp) / f"b{step}.json",
                                       capability_report=False)
        done = subprocess.run(command, cwd=ROOT, capture_output=True, env=ENV)
        if done.returncode != 0:
            raise SystemExit(f"step {step} failed:\n{done.stdout.decode()[-2000:]}")
        return step, time.perf_counter() - start

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        seconds = dict(pool.map(run, steps))
    return seconds, time.perf_counter() - start


def batch_workers(steps, jobs, tmp) -> tuple[dict[int, float], float]:
    start = time.perf_counter()
    workers = [subprocess.Popen(batch.command(share, pathlib.Path(tmp)), cwd=ROOT, env=ENV,
                                stdout=subprocess.PIPE, text=True)
               for share in batch.plan(steps, jobs)]
    seconds = {}
    for worker in workers:
        out, _ = worker.communicate()
        for match in re.finditer(r"step (\d+): exit (\d+) in ([\d.]+) s", out):
            if match[2] not in ("0",):
                raise SystemExit(f"step {match[1]} failed (exit {match[2]})")
            seconds[int(match[1])] = float(match[3])
    return seconds, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", metavar="A-B", help="a range of steps (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    steps = parse_steps(args.stages)
    with tempfile.TemporaryDirectory() as tmp:
        base, base_wall = one_process_per_step(steps, args.jobs, tmp)
        new, new_wall = batch_workers(steps, args.jobs, tmp)
    print(f"{'step':>5}  {'one process per step':>21}  {'batch worker':>12}")
    for step in steps:
        print(f"{registry.label(step):>5}  {base[step]:>19.2f} s  {new[step]:>10.2f} s")
    print(f"sum    {sum(base.values()):>19.2f} s  {sum(new.values()):>10.2f} s")
    print(f"wall   {base_wall:>19.2f} s  {new_wall:>10.2f} s   ({args.jobs} jobs, "
          f"{len(steps)} steps)")
    print(f"batch / one process per step: {new_wall / base_wall:.2f}x wall time")


if __name__ == "__main__":
    main()
