"""The one place that builds the pytest command line of the shared suite.

The noxfile, `tools matrix`, `tools mutants` and grading (dezero_stages.run, behind
`tools grade` and `dezero-stages grade`) all run the suite; they ask here for the command, so
the plugin's options are spelled in one place.

Where the suite is: in a clone, shared_tests/ beside this package; in an installed
dezero-stages, the wheel's dezero_stages/shared_tests (the same files, mapped there by
pyproject.toml), run with this package's pytest.ini (CONFIG) whatever the current folder.
"""

from __future__ import annotations

import pathlib
import sys

from dezero_stages import registry

_HERE = pathlib.Path(__file__).resolve().parent
_INSTALLED_SUITE = _HERE / "shared_tests"


def _suite_dir() -> pathlib.Path:
    """The installed suite where this package carries one, else the clone's shared_tests/."""
    if (_INSTALLED_SUITE / "conftest.py").is_file():
        return _INSTALLED_SUITE
    return registry.ROOT / "shared_tests"


SUITE_DIR = _suite_dir()
# The installed suite's pytest settings (None in a clone: pyproject.toml holds them there).
CONFIG = _HERE / "pytest.ini" if SUITE_DIR == _INSTALLED_SUITE else None


def pytest_command(step: int, *, impl: pathlib.Path | None = None,
                   report: pathlib.Path | None = None, workers: str | int | None = None,
                   quiet: bool = True, capability_report: bool = True,
                   python: str | None = None, strict: bool = False, as_stage: bool = False,
                   aliases: dict[str, str] | None = None, test_timeout: float | None = None,
                   extra: tuple[str, ...] = ()) -> list[str]:
    """`python -m pytest shared_tests --stage N ...` as a list of arguments.

    impl: grade this folder instead of stages/stepNN. report: write the JSON report there.
    workers: pytest-xdist's -n (None: no xdist at all, which starts fastest for one stage).
    strict: with impl, a known defect of the book's own code fails too (--strict-grading).
    as_stage: with impl, grade the code as this project's stage N (--as-stage): its
    conventions are graded and nothing is excused; for broken copies of stages (mutants).
    aliases: with impl, {book's name: the code's spelling} (--alias OLD=NEW).
    test_timeout: with impl, the per-test time limit in seconds (--test-timeout).
    """
    command = [python or sys.executable, "-m", "pytest", str(SUITE_DIR),
               "--stage", str(step), "-p", "no:cacheprovider"]
    if CONFIG is not None:
        command += ["-c", str(CONFIG), "--rootdir", str(CONFIG.parent)]
    if impl is not None:
        command += ["--impl", str(getattr(impl, "shown", impl))]
    for old, new in (aliases or {}).items():
        command += ["--alias", f"{old}={new}"]
    if test_timeout is not None:
        command += ["--test-timeout", f"{test_timeout:g}"]
    if strict:
        command.append("--strict-grading")
    if as_stage:
        command.append("--as-stage")
    if quiet:
        command.append("-q")
    if workers is None:
        command += ["-p", "no:xdist"]
    else:
        command += ["-n", str(workers)]
    if report is not None:
        command += ["--capability-json", str(report)]
    if not capability_report:
        command.append("--no-capability-report")
    return command + list(extra)
