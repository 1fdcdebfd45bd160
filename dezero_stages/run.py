"""One run of the shared suite in its own pytest process, and the report it left.

Every tool that runs the suite on one step and reads its report (grading, `tools matrix`
for a single stage, mutants) runs it through `run_suite`; the command line itself comes
from dezero_stages.suite. A Run is what came back; its one rule, `broken`, says whether the
suite ran through far enough for its report to be believed.
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
class Run:
    """One pytest run of the shared suite and the report it wrote (None: it wrote none)."""

    report: Report | None
    returncode: int | None  # None: stopped after its timeout
    output: str = ""
    seconds: float = 0.0
    step: int | None = None  # the step it ran as, where the caller keeps many runs

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
        """(capability name, failure) for every failing test of a failing capability."""
        return [] if self.report is None else self.report.failures()

    @property
    def stage(self) -> int | None:
        return None if self.report is None else self.report.stage

    @property
    def load_error(self) -> dict | None:
        """Where the graded code failed to import ({file, line, error, hint}), if it did."""
        return None if self.report is None else self.report.load_error

    @property
    def broken(self) -> bool:
        """The suite did not run through: no report, the code did not import, pytest
        stopped for another reason than failing tests (a usage or internal error), or it
        says tests failed where the report counts none."""
        if self.report is None or self.load_error or self.returncode not in (0, 1):
            return True
        return self.returncode == 1 and not any(c.failed for c in self.report.capabilities)

    @property
    def ok(self) -> bool:
        """It ran through and no capability failed."""
        return not self.broken and not self.report.failed()

    def how_it_stopped(self) -> str:
        if self.returncode is None:
            return "stopped: it ran too long"
        if self.report is None:
            return f"pytest exit status {self.returncode}, no report"
        return f"pytest exit status {self.returncode}"


def run_suite(step: int, report_path: pathlib.Path, *, impl=None, strict: bool = False,
              timeout: float | None = None, capture: bool = True,
              env: dict[str, str] | None = None, as_stage: bool = False,
              aliases: dict[str, str] | None = None,
              test_timeout: float | None = None) -> Run:
    """Run the shared suite as step `step` (on `impl` if given) in one pytest process.

    impl: a path or dezero_stages.impl.Target. capture=False lets pytest write to this
    terminal (the run's `output` is then empty). A run that takes longer than `timeout`
    seconds is stopped (returncode None).
    """
    command = suite.pytest_command(step, impl=impl, report=report_path,
                                   capability_report=False, strict=strict,
                                   as_stage=as_stage, aliases=aliases,
                                   test_timeout=test_timeout)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=registry.ROOT, capture_output=capture, text=True,
                              timeout=timeout, env=env)
        returncode, output = done.returncode, _text(done.stdout) + _text(done.stderr)
    except subprocess.TimeoutExpired as err:
        returncode = None
        output = _text(err.stdout) + _text(err.stderr) + f"\n(stopped after {timeout:g} s)"
    try:
        report = report_format.read(report_path)
    except ValueError as err:
        report = None
        output += f"\n{report_path}: {err}"
    return Run(report, returncode, output, time.perf_counter() - start)


def _text(data) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")
