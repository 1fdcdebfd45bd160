"""The grade for CI systems: GitHub Actions annotations and JUnit XML.

Formatting only: the statuses, their words and what counts as failing come from
dezero_stages.report; the text of a broken run comes from render_text.
"""

from __future__ import annotations

import collections
import os
import pathlib
import re
import xml.etree.ElementTree as ET

from dezero_stages.grade import Graded
from dezero_stages.naming import folder_name, step_label
from dezero_stages.render_text import render
from dezero_stages.report import STATUSES, CapabilityResult

# Characters XML 1.0 cannot hold (a failure message may carry them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


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
    if graded.run is not None and graded.run.load_error:
        where = _workspace_path(graded.run.load_error["file"])
    elif graded.report is not None:
        where = _workspace_path(graded.report.dezero_file)
    elif graded.target is not None:
        where = _workspace_path(str(graded.target.shown))
    file = f"file={escape_property(where)}," if where else ""
    if graded.broken:
        # After the heading (and the line naming the code): what went wrong.
        skip = 1 if graded.target is None else 2
        message = "\n".join(render(graded).strip().splitlines()[skip:][-20:]).strip()
        line = ""
        if graded.run is not None and graded.run.load_error and graded.run.load_error["line"]:
            line = f"line={graded.run.load_error['line']},"
        title = f"dezero-stages: {step_label(step)} could not be graded"
        return [f"::error {file}{line}title={escape_property(title)}::"
                f"{escape_data(message)}"]
    lines = []
    for cap in graded.report.capabilities:
        if not cap.failing:
            continue
        title = f"dezero-stages {step_label(step)}: {cap.name} failed"
        first = cap.failures[0] if cap.failures else None
        message = cap.summary
        if first is not None:
            message += f"\n{first.test}\n{first.message.strip()}"
        if len(cap.failures) > 1:
            message += f"\n(and {len(cap.failures) - 1} more failing tests)"
        lines.append(f"::error {file}title={escape_property(title)}::{escape_data(message)}")
    return lines


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("?", text)


def junit_xml(grades: list[Graded]) -> str:
    """JUnit XML: a test suite per graded step, a test case per capability that applies.

    failing -> <failure>; not in your code, spelled differently, shared with the book
    (unless --strict), no test ran -> <skipped> with the reason; pass, passed in part and
    ahead -> passed (the note in <system-out>). A run that could not grade at all is one
    test case with an <error>.
    """
    root = ET.Element("testsuites", name="dezero-stages")
    totals = collections.Counter()
    for graded in grades:
        step = graded.step.number
        suite_el = ET.SubElement(root, "testsuite", name=f"dezero-stages {step_label(step)}")
        props = ET.SubElement(suite_el, "properties")
        for key, value in (("step", str(step)), ("title", graded.step.title),
                           ("code", str(graded.target.shown if graded.target else "")),
                           ("strict", str(graded.strict).lower())):
            ET.SubElement(props, "property", name=key, value=_xml_text(value))
        counts = collections.Counter()
        classname = f"dezero-stages.{folder_name(step)}"
        if graded.broken:
            case = ET.SubElement(suite_el, "testcase", classname=classname, name="grading",
                                 time="0")
            error = ET.SubElement(case, "error", message="the suite could not run on this code")
            error.text = _xml_text(render(graded))
            counts.update(tests=1, errors=1)
        else:
            for cap in graded.report.capabilities:
                if not STATUSES[cap.status].graded:
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
    status = STATUSES[cap.status]
    if status.failing:
        first = cap.failures[0].message.strip().splitlines()[0] if cap.failures else ""
        failure = ET.SubElement(case, "failure", type="fail",
                                message=_xml_text(f"{cap.name}: {first}"[:500]))
        failure.text = _xml_text(f"{cap.summary}\n\n{details}")
        counts["failures"] += 1
    elif cap.status in ("missing", "spelling", "book", "untested"):
        reason = f"{status.outcome}: {status.meaning}"
        skipped = ET.SubElement(case, "skipped", message=_xml_text(reason))
        skipped.text = _xml_text(details) or None
        counts["skipped"] += 1
    elif cap.status in ("partial", "ahead"):
        note = ET.SubElement(case, "system-out")
        note.text = _xml_text(f"{status.outcome}: {status.meaning}"
                              + (f"\n{details}" if details else "")
                              + "".join(f"\nskipped: {s}" for s in cap.skips))
