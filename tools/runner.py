"""Running the shared suite for one step, and what that run left: a StageRun.

matrix, grade and mutants all run the suite through `run_suite`: the command line comes from
dezero_stages.suite, the report is read with dezero_stages.report, nothing here parses JSON.
"""

from __future__ import annotations

import collections
import dataclasses
import pathlib
import subprocess
import time

from dezero_stages import registry, suite
from dezero_stages import report as report_format
from dezero_stages.report import CapabilityResult, Failure, Report


@dataclasses.dataclass
class StageRun:
    """One pytest run of the shared suite for one step, and the report it wrote."""

    step: int
    report: Report | None
    returncode: int | None = 0  # None: did not finish (timed out)
    seconds: float = 0.0
    output: str = ""

    @property
    def capabilities(self) -> list[CapabilityResult]:
        return [] if self.report is None else self.report.capabilities

    def capability(self, name: str) -> CapabilityResult | None:
        return None if self.report is None else self.report.capability(name)

    @property
    def counts(self) -> collections.Counter:
        return collections.Counter() if self.report is None else self.report.counts()

    @property
    def failures(self) -> list[tuple[str, Failure]]:
        """(capability name, failure) for every failing test."""
        return [] if self.report is None else self.report.failures()

    @property
    def stage(self) -> int | None:
        return None if self.report is None else self.report.stage

    @property
    def broken(self) -> bool:
        """pytest did not run the suite properly: no report, or it failed with no failing
        capability to show for it (a crash, a collection error, a usage error)."""
        if self.report is None or self.returncode is None:
            return True
        return self.returncode != 0 and not self.counts["fail"]

    @property
    def ok(self) -> bool:
        return not self.broken and not self.counts["fail"]


def run_suite(step: int, report_path: pathlib.Path, *, impl: pathlib.Path | None = None,
              timeout: float | None = None, capture: bool = True,
              env: dict[str, str] | None = None) -> StageRun:
    """Run the shared suite as step `step` (on `impl` if given) in one process, no xdist.

    capture=False lets pytest write to this terminal (grade -v); the run's `output` is then
    empty. A run that takes longer than `timeout` seconds is stopped (returncode None).
    """
    command = suite.pytest_command(step, impl=impl, report=report_path,
                                   capability_report=False)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=registry.ROOT, capture_output=capture, text=True,
                              timeout=timeout, env=env)
        returncode, output = done.returncode, _text(done.stdout) + _text(done.stderr)
    except subprocess.TimeoutExpired as err:
        returncode = None
        output = _text(err.stdout) + _text(err.stderr) + f"\n(timed out after {timeout} s)"
    try:
        report = report_format.read(report_path)
    except ValueError as err:
        report = None
        output += f"\n{report_path}: {err}"
    return StageRun(step, report, returncode, time.perf_counter() - start, output)


def _text(data) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")
