"""grade: a learner's dezero run through the shared suite as step N, and the report.

    grade N PATH         PATH: a folder holding dezero/ or dezero.py, the dezero/ folder
                         itself, or the dezero.py file
"""

from __future__ import annotations

import collections
import pathlib
import sys
import tempfile

from dezero_stages import registry
from dezero_stages.impl import locate
from dezero_stages.report import STATUSES, Report
from tools.common import (
    SUITE_MODULES,
    Command,
    CommandError,
    add_step_argument,
    indent_message,
    manifest_step,
    output_tail,
    require_modules,
)
from tools.runner import run_suite

# How each status that counts for a grade is shown; the others are "not graded".
LABEL = {"pass": "PASS", "partial": "PART", "fail": "FAIL", "untested": "----"}


def render_grade(report: Report, step: registry.Step) -> tuple[str, int]:
    """The learner's report and its exit status (1 if any capability failed)."""
    caps = report.capabilities
    graded = [c for c in caps if c.status in LABEL]
    name_width = max((len(c.name) for c in graded), default=0)
    lines = [f"graded as step {step.number} — {step.title}",
             f"implementation: {report.dezero_file or report.impl}", ""]
    for cap in graded:
        pin = " (pin: a limitation this step still has)" if cap.kind == "pin" else ""
        note = {"untested": "  no test ran",
                "partial": "  (passed, but some tests were skipped)"}.get(cap.status, "")
        lines.append(f"  {LABEL[cap.status]}  {cap.name:<{name_width}}  "
                     f"{cap.summary}{pin}{note}")
        for failure in cap.failures:
            lines.append(f"          {failure.test}")
            lines.append(indent_message(failure.message, " " * 12))
        if cap.status == "partial":
            lines += [f"          skipped: {reason}" for reason in cap.skips]
    later = collections.defaultdict(list)
    for cap in caps:
        if cap.status == "arrives":
            later[cap.step].append(cap.name)
    if later:
        lines.append("")
        for arrival, names in sorted(later.items()):
            lines.append(f"  not graded (arrives in step {arrival}): {', '.join(names)}")
    fixed = [c.name for c in caps if c.status == "fixed"]
    if fixed:
        lines.append(f"  not graded (limitations fixed by step {step.number}): "
                     f"{', '.join(fixed)}")
    others = collections.defaultdict(list)
    for cap in caps:
        if cap.status not in (*LABEL, "arrives", "fixed"):
            others[cap.status].append(cap.name)
    for status, names in others.items():
        lines.append(f"  not graded ({STATUSES.get(status, status)}): {', '.join(names)}")
    counts = collections.Counter(c.status for c in graded)
    summary = f"{counts['pass']} passed"
    if counts["partial"]:
        summary += f", {counts['partial']} passed in part (tests skipped)"
    summary += f", {counts['fail']} failed"
    if counts["untested"]:
        summary += f", {counts['untested']} untested"
    lines += ["", f"{summary} (capabilities of step {step.number})"]
    return "\n".join(lines) + "\n", 1 if counts["fail"] else 0


def gradable_step(number: int) -> registry.Step:
    """The step to grade as; refused (exit 2) where the suite has no stage that far yet."""
    step = manifest_step(number)
    gradable = registry.session_steps()
    if number not in gradable:
        raise CommandError(
            f"the suite cannot grade step {number} yet: it grades steps "
            f"{registry.describe_ranges(gradable)}", status=2)
    return step


def run_grade(args) -> int:
    step = gradable_step(args.step)
    folder = locate(args.path)
    require_modules(args, *SUITE_MODULES, session="grade")
    with tempfile.TemporaryDirectory(prefix="dezero-grade-") as tmp:
        run = run_suite(step.number, pathlib.Path(tmp) / "report.json", impl=folder,
                        capture=not args.verbose)
    if run.report is None:
        raise CommandError(f"the shared suite did not run (pytest exit status "
                           f"{run.returncode}):\n{output_tail(run.output)}")
    text, status = render_grade(run.report, step)
    sys.stdout.write(text)
    if not status and run.returncode != 0:
        print(f"pytest exited with status {run.returncode} though no capability failed:\n"
              f"{output_tail(run.output)}", file=sys.stderr)
        return 1
    return status


def add_arguments(parser) -> None:
    add_step_argument(parser)
    parser.add_argument("path", metavar="PATH",
                        help="folder holding dezero/ or dezero.py (or that dezero/ folder, "
                             "or that dezero.py)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")


COMMANDS = (Command("grade", "grade a dezero of your own as step N", run_grade,
                    add_arguments),)
