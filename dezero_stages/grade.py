"""One grade: a learner's dezero run through the shared suite as step N.

    run (dezero_stages.run) -> report (dezero_stages.report) -> render (render_text,
    render_ci)

This module only finds what to grade, runs the suite on it and keeps what came back (a
Graded); the presenters turn a Graded into the learner's text, JUnit XML or annotations.
Standard library only: pytest runs in a subprocess.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import pathlib
import sys
import tempfile

from dezero_stages import registry
from dezero_stages.impl import Target, locate
from dezero_stages.report import Report
from dezero_stages.run import Run, run_suite

# What the suite imports in the Python that runs it (the wheel depends on all three).
NEEDS = ("pytest", "numpy", "hypothesis")
DEFAULT_TIMEOUT = 600.0


class GradingError(Exception):
    """A grade that cannot start, as one clear message; `status` is the exit status."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


@dataclasses.dataclass(frozen=True)
class Options:
    """How to grade: what counts (strict), the learner's spellings, the time limits."""

    strict: bool = False
    aliases: dict[str, str] = dataclasses.field(default_factory=dict)
    timeout: float | None = DEFAULT_TIMEOUT  # the whole run
    test_timeout: float | None = None  # one test (None: the suite's default)
    capture: bool = True  # False: pytest writes to this terminal (-v)


DEFAULTS = Options()


@dataclasses.dataclass
class Graded:
    """A grade: the step, what was graded (None: nothing found), and the suite's run."""

    step: registry.Step
    target: Target | None
    run: Run | None
    options: Options = dataclasses.field(default_factory=lambda: DEFAULTS)
    problem: str = ""  # why nothing was graded, where target is None

    @property
    def report(self) -> Report | None:
        return None if self.run is None else self.run.report

    @property
    def strict(self) -> bool:
        return self.options.strict

    @property
    def broken(self) -> bool:
        return self.run is None or self.run.broken

    @property
    def status(self) -> int:
        """The exit status: 0 nothing failed; 1 a capability failed or the suite could not
        run; 2 the code could not be imported (or nothing was found to grade)."""
        if self.run is None or self.run.load_error:
            return 2
        if self.run.broken:
            return 1
        return 1 if self.report.failed() else 0

    def failed(self) -> list[str]:
        return [] if self.broken else [c.name for c in self.report.failed()]


def missing_modules() -> list[str]:
    return [name for name in NEEDS if importlib.util.find_spec(name) is None]


def require_modules() -> None:
    missing = missing_modules()
    if missing:
        raise GradingError(
            f"grading needs {' and '.join(missing)}, which {sys.executable} cannot import: "
            "install dezero-stages with pip (it brings them), or run this Python's "
            "`-m pip install pytest hypothesis numpy`")


def gradable_step(number: int) -> registry.Step:
    """The manifest entry of a step the suite can grade; GradingError (exit 2) otherwise."""
    gradable = registry.gradable_steps()
    if number not in gradable:
        raise GradingError(f"the suite cannot grade {registry.step_label(number)}: it grades steps "
                           f"{registry.describe_ranges(gradable)}")
    return registry.load_manifest()[number]


def grade_one(step: registry.Step, target: Target, options: Options = DEFAULTS) -> Graded:
    """Grade the dezero of `target` (already located) as `step`."""
    with tempfile.TemporaryDirectory(prefix="dezero-grade-") as tmp:
        run = run_suite(step.number, pathlib.Path(tmp) / "report.json", impl=target,
                        strict=options.strict, timeout=options.timeout,
                        capture=options.capture, aliases=options.aliases,
                        test_timeout=options.test_timeout)
    return Graded(step, target, run, options)


def grade_path(number: int, path, options: Options = DEFAULTS) -> Graded:
    """Grade the dezero at `path` as step `number`.

    Raises GradingError (a bad step, modules missing) and ImplNotFoundError (nothing at
    `path`)."""
    step = gradable_step(number)
    target = locate(path)
    require_modules()
    return grade_one(step, target, options)
