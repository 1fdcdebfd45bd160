"""Run the shared suite for several steps, one after another, in one Python process.

    python -m dezero_stages.batch --reports DIR 1 2 3 ...

`tools matrix` starts one of these per CPU instead of one pytest process per step: Python,
numpy, pytest and its plugins are imported once per worker rather than once per step, which
is most of what a small stage's run costs. Each step still gets a pytest session of its own,
with its own `dezero`: between steps the dezero modules and the suite's test modules are
dropped from sys.modules, so nothing of one stage is seen by the next (conftest does the
same for `dezero` at every start).

It prints one line per finished step, `step N: exit STATUS in SECONDS s`, and writes each
step's report to DIR/stepNN.json (the schema of dezero_stages.report).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import pathlib
import sys
import time

from dezero_stages import suite


def plan(steps: list[int], workers: int) -> list[list[int]]:
    """Share the steps among workers so that they finish together.

    Later stages have more to test, so the step number stands in for its cost: the
    costliest step goes first to the least-loaded worker (longest-processing-time first).
    """
    loads = [[0, []] for _ in range(max(1, min(workers, len(steps))))]
    for step in sorted(steps, reverse=True):
        least = min(loads, key=lambda load: load[0])
        least[0] += 1 + step  # a constant for the session's start, plus the tests
        least[1].append(step)
    return [sorted(load[1]) for load in loads if load[1]]


def command(steps: list[int], reports: pathlib.Path, python: str | None = None) -> list[str]:
    """The command line of one worker running `steps` and writing reports into `reports`."""
    return [python or sys.executable, "-m", "dezero_stages.batch", "--reports", str(reports),
            *map(str, steps)]


def _forget_suite_and_stage() -> None:
    """Drop `dezero` and the suite's modules, so the next session imports them afresh."""
    suite_dir = str(suite.SUITE_DIR)
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None) or ""
        if name == "dezero" or name.startswith(("dezero.", "fresh_")) or \
                where.startswith(suite_dir):
            del sys.modules[name]


def run_step(step: int, reports: pathlib.Path, extra: tuple[str, ...] = ()) -> int:
    import pytest  # only the worker needs it; the tools that start workers do not

    _forget_suite_and_stage()
    report = reports / f"step{step:02d}.json"
    args = suite.pytest_command(step, report=report, capability_report=False,
                                extra=extra)[3:]  # after "python -m pytest"
    saved_path = list(sys.path)
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            return int(pytest.main(args))
    finally:
        sys.path[:] = saved_path  # conftest put this stage's folder first
        if report.parent.is_dir():
            (reports / f"step{step:02d}.log").write_text(output.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dezero_stages.batch",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--reports", required=True, type=pathlib.Path, metavar="DIR")
    parser.add_argument("steps", nargs="+", type=int, metavar="STEP")
    args = parser.parse_args(argv)
    args.reports.mkdir(parents=True, exist_ok=True)
    worst = 0
    for step in args.steps:
        start = time.perf_counter()
        status = run_step(step, args.reports)
        worst = max(worst, status)
        print(f"step {step}: exit {status} in {time.perf_counter() - start:.2f} s", flush=True)
    return worst


if __name__ == "__main__":
    sys.exit(main())
