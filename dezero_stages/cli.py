"""`dezero-stages`: grade a dezero of your own against the shared suite, no clone needed.

    dezero-stages grade N PATH       grade the dezero at PATH as step N of the book
    dezero-stages grade-all [FOLDER] grade every stepNN/ folder in FOLDER as its step
    dezero-stages steps              the steps the suite grades, and what each adds

Installed by `pip install` (or `pipx run`) of this project: the wheel carries
dezero_stages, the shared suite (as dezero_stages.shared_tests), the capability table and
the manifest of the book's steps, and needs no stage folder. `python -m dezero_stages` is
the same command.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys

from dezero_stages import grading, registry
from dezero_stages.impl import ImplNotFoundError


def _version() -> str:
    try:
        return importlib.metadata.version("dezero-stages")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed: run from a clone)"


def run_steps(args) -> int:
    manifest = registry.load_manifest()
    for number in registry.gradable_steps():
        step = manifest[number]
        print(f"{number:>2}  {step.title}: {step.adds}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dezero-stages",
        description="Grade your own DeZero (Deep Learning from Scratch 3) step by step "
                    "against the dezero-stages suite.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=grading.EPILOG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    grade = sub.add_parser(
        "grade", help="grade the dezero at PATH as step N",
        description="Run the shared suite on your dezero as step N and print what passes, "
                    "what fails and why. Example: dezero-stages grade 17 ./step17",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=grading.EPILOG)
    grading.add_arguments(grade)
    grade.set_defaults(run=grading.run_grade)
    grade_all = sub.add_parser(
        "grade-all", help="grade every stepNN/ folder in FOLDER as its step",
        description="Grade step09/, step17/, ... each as its own step (what the GitHub "
                    "Actions workflow of the README runs); fails if any step fails.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=grading.EPILOG)
    grading.add_all_arguments(grade_all)
    grade_all.set_defaults(run=grading.run_grade_all)
    steps = sub.add_parser("steps", help="the steps the suite grades, and what each adds")
    steps.set_defaults(run=run_steps)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (grading.GradingError, ImplNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return getattr(err, "status", 2)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
