"""Grading code of one's own: the shared suite run on a learner's dezero as step N.

    dezero-stages grade N PATH        installed with pip (no clone, no stages needed)
    python -m tools grade N PATH      the same, in a clone of this repository

PATH is the folder holding `dezero/` or `dezero.py`, that `dezero/` folder, or that file.
The report has one line per capability that step N adds, then the earlier steps'
capabilities in short lists by outcome (EPILOG below: PASS, FAIL, MISSING, AHEAD, BOOK, PART).
Only FAIL fails the grade: the exit status is 0 iff no capability failed. `--strict` counts
BOOK as FAIL. `--json FILE` writes the report (the schema of dezero_stages.report),
`--junit-xml FILE` one test case per graded capability for CI systems; under GitHub Actions
each failing capability is also printed as an `::error` annotation. `grade-all` grades every
`stepNN/` folder of a repository (what docs/learner-grade-workflow.yml runs).

Standard library only: pytest runs in a subprocess (dezero_stages.suite builds its command)
and its report is read with dezero_stages.report.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import importlib.util
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET

from dezero_stages import registry, suite
from dezero_stages import report as report_format
from dezero_stages.fileio import write_atomic
from dezero_stages.impl import ImplNotFoundError, locate
from dezero_stages.report import CapabilityResult, Report

# The outcomes and exit statuses, as `grade --help` tells them.
EPILOG = """\
outcomes, one per capability:
  PASS      it works
  FAIL      it does not: the failing tests, what they obtained against what they expected
  MISSING   not in your code: an earlier step's API that your code lacks (information only)
  AHEAD     your code already does what a later step adds (a pin that does not hold)
  BOOK      shared with the book: a known defect of the book's own code, with why and the fix
  PART      passed, but some tests were skipped (the reason is shown)
Only FAIL fails the grade; --strict makes BOOK a FAIL.

exit status: 0 no capability failed; 1 one did, or the suite could not run on the code;
2 bad input (a step the suite does not grade, no dezero at PATH, a missing module)."""

# What the suite imports in the Python that runs it (the wheel depends on all three).
NEEDS = ("pytest", "numpy", "hypothesis")

# How each outcome is shown: its label in the lines of a capability, its name in the lists.
LABELS = {"pass": "PASS", "partial": "PART", "fail": "FAIL", "untested": "UNTESTED",
          "missing": "MISSING", "book": "BOOK", "ahead": "AHEAD"}
OUTCOMES = {"pass": "passed", "partial": "passed in part", "fail": "failed",
            "untested": "no test ran", "missing": "not in your code",
            "book": "shared with the book", "ahead": "ahead"}
HINTS = {
    "missing": "an earlier step's API that your code does not have: information, not a "
               "failure",
    "book": "the book's own code fails these the same way (see below); --strict counts "
            "them as failures",
    "ahead": "pins that do not hold: your code already does what a later step adds",
}
# The outcomes shown in full, with their tests, wherever their capability arrived.
SHOWN_IN_FULL = ("fail", "untested", "partial")
WIDTH = 100
MAX_FAILURES = 3  # failing tests shown per capability (--json has them all)
DEFAULT_TIMEOUT = 600.0

_MISSING_NAME = re.compile(r"this dezero has no '([^']+)'")
_STEP_FOLDER = re.compile(r"^step(\d{1,2})$")
# Characters XML 1.0 cannot hold (a failure message may carry them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class GradingError(Exception):
    """A grade that cannot start, as one clear message; `status` is the exit status."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------------------------------
# Running the suite


@dataclasses.dataclass
class SuiteRun:
    """One pytest run of the shared suite and the report it wrote (None: it wrote none)."""

    report: Report | None
    returncode: int | None  # None: stopped after its timeout
    output: str = ""
    seconds: float = 0.0

    @property
    def broken(self) -> bool:
        """The suite did not run through: no report, pytest stopped for another reason than
        failing tests (a usage error, an internal error, code that cannot be imported), or
        it says tests failed where the report counts none."""
        if self.report is None or self.returncode not in (0, 1):
            return True
        return self.returncode == 1 and not any(c.failed for c in self.report.capabilities)


def run_suite(step: int, report_path: pathlib.Path, *, impl: pathlib.Path | None = None,
              strict: bool = False, timeout: float | None = None, capture: bool = True,
              env: dict[str, str] | None = None, as_stage: bool = False) -> SuiteRun:
    """Run the shared suite as step `step` (on `impl` if given) in one pytest process.

    capture=False lets pytest write to this terminal (the run's `output` is then empty).
    A run that takes longer than `timeout` seconds is stopped (returncode None).
    """
    command = suite.pytest_command(step, impl=impl, report=report_path,
                                   capability_report=False, strict=strict,
                                   as_stage=as_stage)
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
    return SuiteRun(report, returncode, output, time.perf_counter() - start)


def _text(data) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")


def missing_modules() -> list[str]:
    return [name for name in NEEDS if importlib.util.find_spec(name) is None]


def gradable_step(number: int) -> registry.Step:
    """The manifest entry of a step the suite can grade; GradingError (exit 2) otherwise."""
    gradable = registry.gradable_steps()
    if number not in gradable:
        raise GradingError(f"the suite cannot grade step {number}: it grades steps "
                           f"{registry.describe_ranges(gradable)}")
    return registry.load_manifest()[number]


# ---------------------------------------------------------------------------------------------
# One grade


@dataclasses.dataclass
class Graded:
    """A grade: the step, the folder, the suite's run, the printed report and the status."""

    step: registry.Step
    folder: pathlib.Path | None
    run: SuiteRun | None
    text: str
    status: int
    strict: bool = False

    @property
    def report(self) -> Report | None:
        return None if self.run is None else self.run.report

    def failed(self) -> list[str]:
        if self.run is None or self.run.broken:
            return []
        return [c.name for c in self.report.capabilities if c.status == "fail"]


def grade_one(step: registry.Step, folder: pathlib.Path, *, strict: bool = False,
              capture: bool = True, timeout: float | None = DEFAULT_TIMEOUT) -> Graded:
    """Grade the dezero in `folder` (already located) as `step`."""
    with tempfile.TemporaryDirectory(prefix="dezero-grade-") as tmp:
        run = run_suite(step.number, pathlib.Path(tmp) / "report.json", impl=folder,
                        strict=strict, timeout=timeout, capture=capture)
    if run.broken:
        text = (f"graded as step {step.number} — {step.title}\n"
                f"your code: {folder}\n\n"
                f"the suite could not run on your code ({_how_it_stopped(run)}):\n"
                f"{indent(tail(run.output), '  ')}\n")
        return Graded(step, folder, run, text, 1, strict)
    text, status = render(run.report, step)
    return Graded(step, folder, run, text, status, strict)


def _how_it_stopped(run: SuiteRun) -> str:
    if run.returncode is None:
        return "stopped: it ran too long"
    if run.report is None:
        return f"pytest exit status {run.returncode}, no report"
    return f"pytest exit status {run.returncode}"


def write_outputs(graded: Graded, json_path=None, junit_path=None) -> None:
    """--json and --junit-xml: the report as JSON, and as JUnit XML for CI systems."""
    if json_path is not None and graded.report is not None:
        report_format.write(json_path, graded.report)
    if junit_path is not None:
        write_atomic(pathlib.Path(junit_path), junit_xml([graded]))


def grade(number: int, path, *, strict: bool = False, json_path=None, junit_path=None,
          verbose: bool = False, timeout: float | None = DEFAULT_TIMEOUT, out=None,
          github: bool | None = None) -> int:
    """Grade the dezero at `path` as step `number`, print the report; the exit status.

    Raises GradingError (bad step, modules missing) and ImplNotFoundError (no dezero there).
    """
    out = out or sys.stdout
    step = gradable_step(number)
    folder = locate(path)
    missing = missing_modules()
    if missing:
        raise GradingError(
            f"grading needs {' and '.join(missing)}, which {sys.executable} cannot import: "
            "install dezero-stages with pip (it brings them), or run this Python's "
            "`-m pip install pytest hypothesis numpy`")
    graded = grade_one(step, folder, strict=strict, capture=not verbose, timeout=timeout)
    out.write(graded.text)
    write_outputs(graded, json_path, junit_path)
    if _on_github(github):
        for line in annotations(graded):
            print(line, file=out)
    out.flush()
    return graded.status


def _on_github(github: bool | None) -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true" if github is None else github


# ---------------------------------------------------------------------------------------------
# The printed report


def render(report: Report, step: registry.Step) -> tuple[str, int]:
    """The learner's report and its exit status (1 iff a capability failed)."""
    caps = report.capabilities
    own = [c for c in caps if c.step == step.number and c.status in LABELS]
    earlier = [c for c in caps if c.step != step.number and c.status in LABELS]
    lines = [f"graded as step {step.number} — {step.title}",
             f"your code: {report.dezero_file or report.impl}"]
    if report.strict:
        lines.append("strict: defects shared with the book's own code count as failures")
    lines += ["", f"step {step.number} adds:"]
    if own:
        width = max(len(_name(c, step)) for c in own)
        for cap in own:
            lines += _capability_lines(cap, step, width, report.strict)
    else:
        lines.append(f"  no capability of its own ({step.adds}): the earlier steps' "
                     "capabilities are graded")
    if earlier:
        lines += ["", "earlier steps:"]
        full = [c for c in earlier if c.status in SHOWN_IN_FULL]
        width = max((len(_name(c, step)) for c in full), default=0)
        for cap in full:
            lines += _capability_lines(cap, step, width, report.strict)
        by_outcome = collections.defaultdict(list)
        for cap in earlier:
            if cap.status not in SHOWN_IN_FULL:
                by_outcome[cap.status].append(cap)
        for status in ("pass", "ahead", "missing", "book"):
            if by_outcome[status]:
                lines += _short_list(status, by_outcome[status])
    lines += _not_graded(caps, step)
    lines += _defect_lines(report)
    if report.vehicles:
        lines += [""] + _wrap(
            f"built on your own Function: {', '.join(report.vehicles)} — your code has none; "
            "used only as a means in other tests, never graded", "", "  ")
    counts = collections.Counter(c.status for c in caps if c.status in LABELS)
    lines += ["", _summary(counts, step, report.strict)]
    return "\n".join(lines) + "\n", 1 if counts["fail"] else 0


def _name(cap: CapabilityResult, step: registry.Step) -> str:
    return cap.name if cap.step == step.number else f"{cap.name} (step {cap.step})"


def _capability_lines(cap: CapabilityResult, step: registry.Step, width: int,
                      strict: bool = False) -> list[str]:
    pin = "[pin] " if cap.kind == "pin" else ""
    lines = [f"  {LABELS[cap.status]:<8}  {_name(cap, step):<{width}}  {pin}{cap.summary}"]
    pad = " " * 12
    if cap.status == "untested":
        lines.append(f"{pad}no test of it ran")
    if cap.status == "partial":
        lines += [f"{pad}skipped: {reason}" for reason in cap.skips]
    if cap.status in ("fail", "ahead"):
        # The failures that decide the outcome first; the ones only noted (not in your code,
        # shared with the book) after them.
        counted = [f for f in cap.failures if _counts(f, cap, step, strict)]
        ordered = counted + [f for f in cap.failures if f not in counted]
        shown = ordered[:MAX_FAILURES]
        for failure in shown:
            lines.append(f"{pad}{failure.test}{_failure_note(failure)}")
            lines.append(indent(failure.message, pad + "  ", max_lines=6))
        if len(ordered) > len(shown):
            lines.append(f"{pad}... and {len(ordered) - len(shown)} more failing tests "
                         "(--json FILE lists them all)")
    return lines


def _counts(failure: report_format.Failure, cap: CapabilityResult, step: registry.Step,
            strict: bool) -> bool:
    """Whether a failure decides its capability's outcome (see report.status_of)."""
    return (failure.kind == "real" or (failure.kind == "missing" and cap.step == step.number)
            or (failure.kind.startswith("book:") and strict))


def _failure_note(failure: report_format.Failure) -> str:
    if failure.kind.startswith("book:"):
        return f"  [shared with the book: {failure.kind[5:]}]"
    if failure.kind == "missing":
        return "  [not in your code]"
    return ""


def _short_list(status: str, caps: list[CapabilityResult]) -> list[str]:
    names = ", ".join(_with_missing_names(c) if status == "missing" else c.name for c in caps)
    lines = _wrap(f"{OUTCOMES[status]} ({len(caps)}): {names}", "  ", "      ")
    if status in HINTS:
        lines += _wrap(HINTS[status], "      ", "      ")
    return lines


def _with_missing_names(cap: CapabilityResult) -> str:
    names = []
    for failure in cap.failures:
        match = _MISSING_NAME.search(failure.message)
        if match and match[1] not in names:
            names.append(match[1])
    return f"{cap.name} (no {', '.join(names)})" if names else cap.name


def _not_graded(caps: list[CapabilityResult], step: registry.Step) -> list[str]:
    lines = []
    later = [c for c in caps if c.status == "arrives"]
    if later:
        following = min(c.step for c in later)
        text = (f"arrive in step {following}: "
                f"{', '.join(c.name for c in later if c.step == following)}")
        rest = [c for c in later if c.step != following]
        if rest:
            text += f"; {len(rest)} more up to step {max(c.step for c in rest)}"
        lines += _wrap(text, "  ", "      ")
    fixed = [c.name for c in caps if c.status == "fixed"]
    if fixed:
        lines += _wrap(f"limitations fixed by step {step.number}: {', '.join(fixed)}",
                       "  ", "      ")
    conventions = [c.name for c in caps if c.status == "not-graded"]
    if conventions:
        lines += _wrap(f"conventions of this project's stages: {', '.join(conventions)}",
                       "  ", "      ")
    others = collections.defaultdict(list)
    for cap in caps:
        if cap.status not in (*LABELS, "arrives", "fixed", "not-graded"):
            others[cap.status].append(cap.name)
    for status, names in others.items():
        lines += _wrap(f"{report_format.STATUSES.get(status, status)}: {', '.join(names)}",
                       "  ", "      ")
    return ["", "not graded:"] + lines if lines else []


def defects_found(report: Report) -> list[tuple[dict, list[str]]]:
    """(defect, the capabilities it made fail) for each book defect behind a failing test."""
    known = {d["name"]: d for d in report.defects}
    found: dict[str, list[str]] = {}
    for cap in report.capabilities:
        for failure in cap.failures:
            if failure.kind.startswith("book:"):
                names = found.setdefault(failure.kind[5:], [])
                if cap.name not in names:
                    names.append(cap.name)
    return [(known.get(name, {"name": name, "title": "", "explanation": "", "fix": ""}),
             names) for name, names in found.items()]


def _defect_lines(report: Report) -> list[str]:
    found = defects_found(report)
    if not found:
        return []
    lines = ["", "shared with the book: known defects of the book's own code that yours has too"]
    for defect, names in found:
        lines.append(f"  {defect['name']}: {defect['title']}")
        lines += _wrap(f"in: {', '.join(names)}", "    ", "        ")
        if defect["explanation"]:
            lines += _wrap(f"why: {defect['explanation']}", "    ", "         ")
        if defect["fix"]:
            lines += _wrap(f"fix: {defect['fix']}", "    ", "         ")
    return lines


def _summary(counts: collections.Counter, step: registry.Step, strict: bool) -> str:
    parts = [f"{counts['pass'] + counts['partial']} passed", f"{counts['fail']} failed"]
    for status in ("partial", "untested", "missing", "book", "ahead"):
        if counts[status]:
            parts.append(f"{counts[status]} {OUTCOMES[status]}")
    verdict = "FAILS" if counts["fail"] else "passes"
    return f"step {step.number} {verdict}{' (strict)' if strict else ''}: {', '.join(parts)}"


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False, break_long_words=False) or [first.rstrip()]


def indent(message: str, pad: str, max_lines: int = 25) -> str:
    """A message with every line indented, cut short after `max_lines` lines."""
    lines = [line.rstrip() for line in message.strip().splitlines()] or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... ({len(lines) - max_lines} more lines)"]
    return "\n".join(pad + line if line else "" for line in lines)


def tail(output: str, lines: int = 25) -> str:
    return "\n".join(output.rstrip().splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------
# For CI systems: GitHub annotations and JUnit XML


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _workspace_path(path: str) -> str | None:
    """`path` relative to the GitHub workspace (or the current folder), where it is inside."""
    base = pathlib.Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()
    try:
        return pathlib.Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        return None


def annotations(graded: Graded) -> list[str]:
    """GitHub Actions `::error` lines: one per failing capability, or one for a broken run."""
    step = graded.step.number
    where = None
    if graded.report is not None:
        where = _workspace_path(graded.report.dezero_file)
    elif graded.folder is not None:
        where = _workspace_path(str(graded.folder))
    file = f"file={_escape_property(where)}," if where else ""
    if graded.run is None or graded.run.broken:
        # After the heading (and, for a run, the line naming the code): what went wrong.
        skip = 1 if graded.run is None else 2
        message = "\n".join(graded.text.strip().splitlines()[skip:][-20:]).strip()
        title = f"dezero-stages: step {step} could not be graded"
        return [f"::error {file}title={_escape_property(title)}::{_escape_data(message)}"]
    lines = []
    for cap in graded.report.capabilities:
        if cap.status != "fail":
            continue
        title = f"dezero-stages step {step}: {cap.name} failed"
        first = cap.failures[0] if cap.failures else None
        message = cap.summary
        if first is not None:
            message += f"\n{first.test}\n{first.message.strip()}"
        if len(cap.failures) > 1:
            message += f"\n(and {len(cap.failures) - 1} more failing tests)"
        lines.append(f"::error {file}title={_escape_property(title)}::{_escape_data(message)}")
    return lines


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("?", text)


def junit_xml(grades: list[Graded]) -> str:
    """JUnit XML: a test suite per graded step, a test case per capability that applies.

    fail -> <failure>; not in your code, shared with the book (unless --strict), no test
    ran -> <skipped> with the reason; pass, passed in part and ahead -> passed (the note in
    <system-out>). A run that could not grade at all is one test case with an <error>.
    """
    root = ET.Element("testsuites", name="dezero-stages")
    totals = collections.Counter()
    for graded in grades:
        step = graded.step.number
        suite_el = ET.SubElement(root, "testsuite", name=f"dezero-stages step {step}")
        props = ET.SubElement(suite_el, "properties")
        for key, value in (("step", str(step)), ("title", graded.step.title),
                           ("code", str(graded.folder or "")),
                           ("strict", str(graded.strict).lower())):
            ET.SubElement(props, "property", name=key, value=_xml_text(value))
        counts = collections.Counter()
        classname = f"dezero-stages.step{step:02d}"
        if graded.run is None or graded.run.broken:
            case = ET.SubElement(suite_el, "testcase", classname=classname, name="grading",
                                 time="0")
            error = ET.SubElement(case, "error", message="the suite could not run on this code")
            error.text = _xml_text(graded.text)
            counts.update(tests=1, errors=1)
        else:
            for cap in graded.report.capabilities:
                if cap.status not in LABELS:
                    continue
                counts["tests"] += 1
                case = ET.SubElement(suite_el, "testcase", classname=classname,
                                     name=cap.name, time="0")
                _junit_outcome(case, cap, counts)
        seconds = f"{graded.run.seconds:.3f}" if graded.run is not None else "0"
        suite_el.set("time", seconds)
        for key in ("tests", "failures", "errors", "skipped"):
            suite_el.set(key, str(counts[key]))
        totals.update(counts)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    ET.indent(root)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")


def _junit_outcome(case: ET.Element, cap: CapabilityResult, counts: collections.Counter):
    details = "\n\n".join(f"{f.test}\n{f.message.strip()}" for f in cap.failures)
    if cap.status == "fail":
        first = cap.failures[0].message.strip().splitlines()[0] if cap.failures else ""
        failure = ET.SubElement(case, "failure", type="fail",
                                message=_xml_text(f"{cap.name}: {first}"[:500]))
        failure.text = _xml_text(f"{cap.summary}\n\n{details}")
        counts["failures"] += 1
    elif cap.status in ("missing", "book", "untested"):
        reason = f"{OUTCOMES[cap.status]}: {report_format.STATUSES[cap.status]}"
        skipped = ET.SubElement(case, "skipped", message=_xml_text(reason))
        skipped.text = _xml_text(details) or None
        counts["skipped"] += 1
    elif cap.status in ("partial", "ahead"):
        note = ET.SubElement(case, "system-out")
        note.text = _xml_text(f"{OUTCOMES[cap.status]}: {report_format.STATUSES[cap.status]}"
                              + (f"\n{details}" if details else "")
                              + "".join(f"\nskipped: {s}" for s in cap.skips))


# ---------------------------------------------------------------------------------------------
# Every stepNN/ folder of a repository


def step_folders(root) -> list[tuple[int, pathlib.Path]]:
    """(step, folder) for every stepNN/ (or stepN/) folder directly in `root`, by step."""
    root = pathlib.Path(root)
    found = []
    for path in root.iterdir() if root.is_dir() else ():
        match = _STEP_FOLDER.match(path.name)
        if match and path.is_dir():
            found.append((int(match[1]), path))
    return sorted(found)


def grade_all(root, *, strict: bool = False, junit_dir=None, json_dir=None,
              jobs: int | None = None, timeout: float | None = DEFAULT_TIMEOUT, out=None,
              github: bool | None = None) -> int:
    """Grade every stepNN/ folder in `root` as its step; 0 iff none failed.

    A folder whose step the suite does not grade yet is listed and left out; a folder with
    no dezero in it fails. Reports are printed in step order, then one line per folder.
    """
    out = out or sys.stdout
    github = _on_github(github)
    folders = step_folders(root)
    if not folders:
        raise GradingError(f"no stepNN/ folder in {root}: put each step's code in its own "
                           "folder (step09/dezero.py, step23/dezero/, ...)")
    missing = missing_modules()
    if missing:
        raise GradingError(f"grading needs {' and '.join(missing)}, which {sys.executable} "
                           "cannot import: install dezero-stages with pip (it brings them)")
    gradable = set(registry.gradable_steps())
    manifest = registry.load_manifest()
    todo = [(n, folder) for n, folder in folders if n in gradable]
    left_out = [(n, folder) for n, folder in folders if n not in gradable]

    def one(item) -> Graded:
        number, folder = item
        step = manifest[number]
        try:
            located = locate(folder)
        except ImplNotFoundError as err:
            return Graded(step, folder, None, f"graded as step {number} — {step.title}\n"
                          f"{err}\n", 1, strict)
        return grade_one(step, located, strict=strict, timeout=timeout)

    workers = jobs or min(4, os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        grades = list(pool.map(one, todo))
    for (number, folder), graded in zip(todo, grades, strict=True):
        name = folder.name
        if github:
            print(f"::group::{name}: step {number} {_verdict(graded)}", file=out)
        else:
            print(f"==== {name} " + "=" * max(0, WIDTH - len(name) - 6), file=out)
        out.write(graded.text)
        if github:
            print("::endgroup::", file=out)
            for line in annotations(graded):
                print(line, file=out)
        if json_dir is not None and graded.report is not None:
            report_format.write(pathlib.Path(json_dir) / f"{name}.json", graded.report)
        if junit_dir is not None:
            write_atomic(pathlib.Path(junit_dir) / f"{name}.xml", junit_xml([graded]))
    print("", file=out)
    print("summary:", file=out)
    for (_, folder), graded in zip(todo, grades, strict=True):
        print(f"  {folder.name:<8} {_verdict(graded)}", file=out)
    gradable_text = registry.describe_ranges(sorted(gradable))
    for _, folder in left_out:
        print(f"  {folder.name:<8} not graded: the suite grades steps {gradable_text}",
              file=out)
        if github:
            print(f"::warning title={_escape_property(folder.name + ' not graded')}::"
                  f"the suite grades steps {_escape_data(gradable_text)}", file=out)
    failing = [g for g in grades if g.status]
    print(f"{len(grades) - len(failing)} of {len(grades)} steps pass"
          + (f"; {len(left_out)} not graded" if left_out else ""), file=out)
    out.flush()
    return 1 if failing else 0


def _verdict(graded: Graded) -> str:
    if graded.run is None:
        return "FAILS: no dezero in it"
    if graded.run.broken:
        return "FAILS: the suite could not run on it"
    failed = graded.failed()
    return f"FAILS: {', '.join(failed)}" if failed else "passes"


# ---------------------------------------------------------------------------------------------
# Command-line arguments (dezero_stages.cli and tools/grade.py share them)


def add_arguments(parser) -> None:
    """`grade`'s arguments: N PATH [--strict] [--json FILE] [--junit-xml FILE] [-v]."""
    parser.add_argument("step", type=int, metavar="N", help="the step of the book to grade as")
    parser.add_argument("path", metavar="PATH",
                        help="the folder holding your dezero/ package or dezero.py (or that "
                             "dezero/ folder, or that dezero.py)")
    _add_common(parser)
    parser.add_argument("--json", dest="json_path", metavar="FILE",
                        help="write the report as JSON (the schema of dezero_stages.report)")
    parser.add_argument("--junit-xml", dest="junit_path", metavar="FILE",
                        help="write one JUnit test case per graded capability, for CI systems")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")


def add_all_arguments(parser) -> None:
    """`grade-all`'s arguments: [FOLDER] [--strict] [--junit-dir DIR] [--json-dir DIR]."""
    parser.add_argument("folder", nargs="?", default=".", metavar="FOLDER",
                        help="the folder holding your stepNN/ folders (default: .)")
    _add_common(parser)
    parser.add_argument("--junit-dir", metavar="DIR",
                        help="write DIR/stepNN.xml (JUnit XML) for each folder graded")
    parser.add_argument("--json-dir", metavar="DIR",
                        help="write DIR/stepNN.json (the report) for each folder graded")
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="grade N folders at a time (default: up to 4)")


def _add_common(parser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="count defects shared with the book's own code as failures")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"stop a grade that runs longer (default: {DEFAULT_TIMEOUT:g})")


def run_grade(args) -> int:
    return grade(args.step, args.path, strict=args.strict, json_path=args.json_path,
                 junit_path=args.junit_path, verbose=args.verbose, timeout=args.timeout)


def run_grade_all(args) -> int:
    return grade_all(args.folder, strict=args.strict, junit_dir=args.junit_dir,
                     json_dir=args.json_dir, jobs=args.jobs, timeout=args.timeout)
