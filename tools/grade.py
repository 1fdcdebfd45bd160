"""grade: a learner's dezero run through the shared suite as step N, and the report.

    grade N PATH         PATH: a folder holding dezero/ or dezero.py, the dezero/ folder
                         itself, or the dezero.py file; --strict, --json FILE, --junit-xml FILE

The grading itself lives in dezero_stages.grading, so that an installed dezero-stages (the
`dezero-stages grade` command, no clone) grades exactly as this command does; this module
only adds the tools' conventions (a step the manifest lacks, the Python to use).
"""

from __future__ import annotations

from dezero_stages import grading
from tools.common import SUITE_MODULES, Command, CommandError, manifest_step, require_modules


def run_grade(args) -> int:
    manifest_step(args.step)  # a step the manifest lacks: say which steps it has
    try:
        grading.gradable_step(args.step)
    except grading.GradingError as err:
        raise CommandError(str(err), err.status) from None
    require_modules(args, *SUITE_MODULES, session="grade")
    try:
        return grading.run_grade(args)
    except grading.GradingError as err:
        raise CommandError(str(err), err.status) from None


COMMANDS = (Command("grade", "grade a dezero of your own as step N", run_grade,
                    grading.add_arguments,
                    description="Grade a dezero of your own as step N: one line per "
                                "capability of step N, the earlier steps' by outcome.\n\n"
                                + grading.EPILOG),)
