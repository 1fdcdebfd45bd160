"""`dezero-stages`: grade a dezero of your own against the shared suite, no clone needed.

    dezero-stages grade N PATH       grade your step N (steps/step09.py, a folder, dezero/)
    dezero-stages grade-all [FOLDER] grade every step a repository holds, each as its step
    dezero-stages steps              the steps the suite grades, and what each adds

Installed by `pip install` (or `pipx run`) of this project: the wheel carries
dezero_stages, the shared suite (as dezero_stages.shared_tests), the capability table and
the manifest of the book's steps, and needs no stage folder. `python -m dezero_stages` is
the same command. This module only parses; dezero_stages.commands does the work.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys

from dezero_stages import commands, registry
from dezero_stages.grade import DEFAULT_TIMEOUT, GradingError
from dezero_stages.impl import ImplNotFoundError
from dezero_stages.report import STATUSES

_GRADED = ("pass", "fail", "missing", "spelling", "ahead", "book", "partial")
EPILOG = ("outcomes, one per capability:\n"
          + "\n".join(f"  {STATUSES[s].label:<9} {STATUSES[s].meaning}" for s in _GRADED)
          + "\nOnly FAIL fails the grade; --strict makes BOOK a FAIL.\n\n"
          "exit status: 0 no capability failed; 1 one did, or the suite could not run on\n"
          "the code; 2 bad input (a step the suite does not grade, no dezero at PATH, a\n"
          "missing module) or your code failed to import (the report says where).")


def _version() -> str:
    try:
        return importlib.metadata.version("dezero-stages")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed: run from a clone)"


def _add_common(parser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="count defects shared with the book's own code as failures")
    parser.add_argument("--alias", action="append", metavar="OLD=NEW",
                        help="your code spells the book's OLD as NEW (cleargrad=clear_grad): "
                             "grade it under your spelling (repeatable)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"stop a grade that runs longer (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--test-timeout", type=float, default=None, metavar="SECONDS",
                        help="stop one test that runs longer, naming it (default: 60)")


def add_arguments(parser) -> None:
    """`grade`'s arguments: N PATH [--strict] [--alias OLD=NEW] [--json FILE] ..."""
    parser.add_argument("step", type=registry.stage_argument, metavar="N",
                        help="the step of the book to grade as (or final: the whole package)")
    parser.add_argument("path", metavar="PATH",
                        help="your step's file (steps/step09.py: its script part is "
                             "skipped), the folder holding your dezero/ package or "
                             "dezero.py, or that dezero/ folder")
    _add_common(parser)
    parser.add_argument("--json", dest="json_path", metavar="FILE",
                        help="write the report as JSON (the schema of dezero_stages.report)")
    parser.add_argument("--junit-xml", dest="junit_path", metavar="FILE",
                        help="write one JUnit test case per graded capability, for CI systems")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")


def add_all_arguments(parser) -> None:
    """`grade-all`'s arguments: [FOLDER] [--map N=PATH] [--junit-dir DIR] ..."""
    parser.add_argument("folder", nargs="?", default=".", metavar="FOLDER",
                        help="your repository (default: .)")
    parser.add_argument("--map", action="append", metavar="N=PATH",
                        help="grade PATH (relative to FOLDER) as step N, whatever is found "
                             "(repeatable)")
    _add_common(parser)
    parser.add_argument("--junit-dir", metavar="DIR",
                        help="write DIR/stepNN.xml (JUnit XML) for each step graded")
    parser.add_argument("--json-dir", metavar="DIR",
                        help="write DIR/stepNN.json (the report) for each step graded")
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="grade N steps at a time (default: up to 4)")


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="dezero-stages",
        description="Grade your own DeZero (Deep Learning from Scratch 3) step by step "
                    "against the dezero-stages suite.", formatter_class=formatter,
        epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    grade = sub.add_parser(
        "grade", help="grade your step N (a step file, or a folder holding dezero)",
        description="Run the shared suite on your dezero as step N and print what passes, "
                    "what fails and why. Example: dezero-stages grade 9 steps/step09.py",
        formatter_class=formatter, epilog=EPILOG)
    add_arguments(grade)
    grade.set_defaults(run=commands.run_grade)
    grade_all = sub.add_parser(
        "grade-all", help="grade every step your repository holds, each as its step",
        description="Find steps/stepNN.py, stepNN.py, stepNN_*.py and stepNN/ folders "
                    "(two folders deep), say which file is which step, and grade each as "
                    "its step (what the GitHub Actions workflow of the README runs); fails "
                    "if any step fails.", formatter_class=formatter, epilog=EPILOG)
    add_all_arguments(grade_all)
    grade_all.set_defaults(run=commands.run_grade_all)
    steps = sub.add_parser("steps", help="the steps the suite grades, and what each adds")
    steps.set_defaults(run=commands.run_steps)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (GradingError, ImplNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return getattr(err, "status", 2)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
