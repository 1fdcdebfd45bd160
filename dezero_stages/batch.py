"""Run the shared suite for several steps, one after another, in one Python process.

    python -m dezero_stages.batch --reports DIR 1 2 3 ...

`tools matrix` starts one of these per CPU instead of one pytest process per step: Python,
numpy, pytest and its plugins are imported once per worker rather than once per step, which
is most of what a small stage's run costs. Each step still gets a pytest session of its own,
with its own `dezero`.

Where the system can fork (Linux, macOS), each step runs in a child forked from the worker
after those imports: the child starts with them loaded at no cost and takes everything of
its step with it when it exits. (Run one after another in one process, pytest sessions
leave their items and reports behind, about 30 000 objects a step, and every later
gc.collect() in the suite pays for them: by step 60 a step took twice as long.) Elsewhere
the steps run in the worker itself, the dezero modules and the suite's test modules dropped
from sys.modules between them.

It prints one line per finished step, `step N: exit STATUS in SECONDS s`, and writes each
step's report to DIR/stepNN.json (the schema of dezero_stages.report).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import pathlib
import sys
import time

from dezero_stages import registry, suite


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
    report = reports / f"{registry.folder_name(step)}.json"
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
            log = reports / f"{registry.folder_name(step)}.log"
            log.write_text(output.getvalue(), encoding="utf-8")


def run_step_forked(step: int, reports: pathlib.Path) -> int:
    """run_step in a forked child, where the system can fork; in this process otherwise."""
    if not hasattr(os, "fork"):
        return run_step(step, reports)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:  # the child: run the step, then leave without running any cleanup twice
        status = 70  # EX_SOFTWARE, if run_step itself raises
        try:
            status = run_step(step, reports)
        finally:
            sys.stdout.flush()
            os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait_status)


def _preload() -> None:
    """Import what every step needs, once, before the children are forked."""
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    with contextlib.suppress(ImportError):
        import hypothesis  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dezero_stages.batch",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--reports", required=True, type=pathlib.Path, metavar="DIR")
    parser.add_argument("steps", nargs="+", type=registry.stage_argument, metavar="STEP")
    args = parser.parse_args(argv)
    args.reports.mkdir(parents=True, exist_ok=True)
    _preload()
    worst = 0
    for step in args.steps:
        start = time.perf_counter()
        status = run_step_forked(step, args.reports)
        worst = max(worst, status)
        took = time.perf_counter() - start
        # A line for tools.runner to read: the step as a number (final too), not its label.
        print(f"step {step}: exit {status} in {took:.2f} s", flush=True)
    return worst


if __name__ == "__main__":
    sys.exit(main())
