"""grade: a learner's dezero run through the shared suite as step N, and the report.

    grade N PATH         PATH: a step file (steps/step09.py), a folder holding dezero/ or
                         dezero.py, or the dezero/ folder; --strict, --alias OLD=NEW,
                         --json FILE, --junit-xml FILE

The grading itself lives in dezero_stages (grade, commands), so that an installed
dezero-stages (the `dezero-stages grade` command, no clone) grades exactly as this command
does; this module only adds the tools' conventions (a step the manifest lacks, the Python
to use).
"""

from __future__ import annotations

from dezero_stages import cli, commands
from dezero_stages.grade import GradingError
from tools.common import SUITE_MODULES, Command, CommandError, require_modules


def run_grade(args) -> int:
    require_modules(args, *SUITE_MODULES, session="grade")
    try:  # the step is checked once, by dezero_stages.grade.grade_path
        return commands.run_grade(args)
    except GradingError as err:
        raise CommandError(str(err), err.status) from None


COMMANDS = (Command("grade", "grade a dezero of your own as step N", run_grade,
                    cli.add_arguments,
                    description="Grade a dezero of your own as step N: one line per "
                                "capability of step N, the earlier steps' by outcome.\n\n"
                                + cli.EPILOG),)
