"""The one place that builds the pytest command line of the shared suite.

The noxfile, `tools matrix`, `tools grade` and `tools mutants` all run the suite; they ask
here for the command, so the plugin's options are spelled in one place.
"""

from __future__ import annotations

import pathlib
import sys

from dezero_stages import registry

SUITE_DIR = registry.ROOT / "shared_tests"


def pytest_command(step: int, *, impl: pathlib.Path | None = None,
                   report: pathlib.Path | None = None, workers: str | int | None = None,
                   quiet: bool = True, capability_report: bool = True,
                   python: str | None = None, extra: tuple[str, ...] = ()) -> list[str]:
    """`python -m pytest shared_tests --stage N ...` as a list of arguments.

    impl: grade this folder instead of stages/stepNN. report: write the JSON report there.
    workers: pytest-xdist's -n (None: no xdist at all, which starts fastest for one stage).
    """
    command = [python or sys.executable, "-m", "pytest", str(SUITE_DIR),
               "--stage", str(step), "-p", "no:cacheprovider"]
    if impl is not None:
        command += ["--impl", str(impl)]
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
