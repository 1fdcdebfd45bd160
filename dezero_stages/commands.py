"""What each `dezero-stages` command does, once dezero_stages.cli has parsed it.

    grade       one grade: run, print the learner's report, write --json / --junit-xml,
                and under GitHub Actions an annotation per failing capability
    grade-all   every step of a repository (dezero_stages.grade_all)
    steps       the steps the suite grades
"""

from __future__ import annotations

import os
import pathlib
import sys

from dezero_stages import registry
from dezero_stages import report as report_format
from dezero_stages.fileio import write_atomic
from dezero_stages.grade import GradingError, Options, grade_path
from dezero_stages.grade_all import grade_all
from dezero_stages.render_ci import annotations, junit_xml
from dezero_stages.render_text import render


def options_from(args) -> Options:
    """The grading options of parsed arguments (--strict, --alias, the time limits)."""
    aliases = {}
    for text in getattr(args, "alias", None) or ():
        old, sep, new = text.partition("=")
        if not sep or not old.isidentifier() or not new.isidentifier():
            raise GradingError(f"--alias {text}: write the book's name, '=', and your "
                               "spelling of it (--alias cleargrad=clear_grad)")
        aliases[old] = new
    return Options(strict=args.strict, aliases=aliases, timeout=args.timeout,
                   test_timeout=args.test_timeout,
                   capture=not getattr(args, "verbose", False))


def _on_github() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def run_grade(args, out=None, github: bool | None = None) -> int:
    out = out or sys.stdout
    graded = grade_path(args.step, args.path, options_from(args))
    out.write(render(graded))
    if args.json_path is not None and graded.report is not None:
        report_format.write(args.json_path, graded.report)
    if args.junit_path is not None:
        write_atomic(pathlib.Path(args.junit_path), junit_xml([graded]))
    if _on_github() if github is None else github:
        for line in annotations(graded):
            print(line, file=out)
    out.flush()
    return graded.status


def run_grade_all(args, out=None) -> int:
    return grade_all(args.folder, options_from(args), mapping=args.map or (),
                     junit_dir=args.junit_dir, json_dir=args.json_dir, jobs=args.jobs,
                     out=out)


def run_steps(args) -> int:
    manifest = registry.load_manifest()
    for number in registry.gradable_steps():
        step = manifest[number]
        print(f"{registry.label(number):>5}  {step.title}: {step.adds}")
    return 0
