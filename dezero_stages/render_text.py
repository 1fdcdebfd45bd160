"""The learner's report as text: what a grade found, formatted, and nothing decided here.

Every word for a status comes from dezero_stages.report.STATUSES; what counts as a failure
is the report's. This module only lays it out: one line per capability that the graded
step adds, the earlier steps' capabilities in short lists by outcome, then what the grade
noticed (the script lines it skipped, spellings, known defects of the book, the likely
root cause of many failures).
"""

from __future__ import annotations

import collections
import pathlib
import textwrap

from dezero_stages.grade import Graded
from dezero_stages.naming import step_label
from dezero_stages.report import STATUSES, CapabilityResult, Failure, Report

WIDTH = 100
MAX_FAILURES = 3  # failing tests shown per capability (--json has them all)
MAX_SKIPPED = 6  # skipped script lines shown
# The outcomes shown in full, with their tests, wherever their capability arrived.
SHOWN_IN_FULL = ("fail", "untested", "partial")
HINTS = {
    "missing": "an API your code does not have: information, not a failure",
    "book": "the book's own code fails these the same way (see below); --strict counts "
            "them as failures",
    "ahead": "pins that do not hold: your code already does what a later step adds",
    "spelling": "your code has these under another spelling (see below)",
}


def graded_statuses() -> tuple[str, ...]:
    return tuple(name for name, s in STATUSES.items() if s.graded)


def render(graded: Graded) -> str:
    """The whole text of one grade."""
    lines = [f"graded as {step_label(graded.step.number)} — {graded.step.title}"]
    if graded.target is None:
        return "\n".join(lines + [graded.problem]) + "\n"
    lines.append(f"your code: {graded.target.shown}"
                 + (f" (imported by {graded.target.via})" if graded.target.via else ""))
    run = graded.run
    if run.load_error:
        return "\n".join(lines + [""] + load_error_lines(run.load_error)) + "\n"
    if run.broken:
        return "\n".join(lines + [
            "", f"the suite could not run on your code ({run.how_it_stopped()}):",
            indent(tail(run.output), "  ")]) + "\n"
    return "\n".join(lines + report_lines(graded.report, graded.step)) + "\n"


def render_report(report: Report, step) -> tuple[str, int]:
    """The text of a report read back (--json), and its exit status (1 iff one failed)."""
    lines = [f"graded as {step_label(step.number)} — {step.title}",
             f"your code: {report.dezero_file or report.impl}"]
    text = "\n".join(lines + report_lines(report, step)) + "\n"
    return text, 1 if report.failed() else 0


def load_error_lines(error: dict) -> list[str]:
    where = f"{error['file']}:{error['line']}" if error.get("line") else error["file"]
    lines = [f"your code failed to import: {where}"]
    message = error["error"].strip().splitlines() or [""]
    if error.get("hint"):  # the hint says what to do: the error's first line is enough
        lines += [f"  {message[0]}"] + _wrap(error["hint"], "  ", "  ")
    else:
        lines.append(indent("\n".join(message), "  ", max_lines=12))
    return lines


def report_lines(report: Report, step) -> list[str]:
    caps = report.capabilities
    graded = graded_statuses()
    cause = report.root_cause()
    said = cause[2].hint if cause else None
    own = [c for c in caps if c.step == step.number and c.status in graded]
    earlier = [c for c in caps if c.step != step.number and c.status in graded]
    lines = []
    if report.strict:
        lines.append("strict: defects shared with the book's own code count as failures")
    lines += _skipped_lines(report)
    lines += ["", f"{step_label(step.number)} adds:"]
    if own:
        width = max(len(_name(c, step)) for c in own)
        for cap in own:
            lines += capability_lines(cap, step, width, said)
    else:
        lines.append(f"  no capability of its own ({step.adds}): the earlier steps' "
                     "capabilities are graded")
    if earlier:
        lines += ["", "earlier steps:"]
        full = [c for c in earlier if c.status in SHOWN_IN_FULL]
        width = max((len(_name(c, step)) for c in full), default=0)
        for cap in full:
            lines += capability_lines(cap, step, width, said)
        by_status = collections.defaultdict(list)
        for cap in earlier:
            if cap.status not in SHOWN_IN_FULL:
                by_status[cap.status].append(cap)
        for status in ("pass", "ahead", "spelling", "missing", "book"):
            if by_status[status]:
                lines += _short_list(status, by_status[status])
    lines += _not_graded(caps, step)
    lines += _spelling_lines(report)
    lines += _defect_lines(report)
    lines += _root_cause_lines(report)
    if report.vehicles:
        lines += [""] + _wrap(
            f"built on your own Function: {', '.join(report.vehicles)} — your code has none; "
            "used only as a means in other tests, never graded", "", "  ")
    lines += ["", summary(report, step)]
    return lines


def _name(cap: CapabilityResult, step) -> str:
    return cap.name if cap.step == step.number else f"{cap.name} ({step_label(cap.step)})"


def capability_lines(cap: CapabilityResult, step, width: int, said: str | None = None
                     ) -> list[str]:
    """A capability's line, and for a failure its first failing tests. `said`: a hint the
    report gives once under its root cause, not repeated under every failure."""
    pin = "[pin] " if cap.kind == "pin" else ""
    label = STATUSES[cap.status].label
    lines = [f"  {label:<8}  {_name(cap, step):<{width}}  {pin}{cap.summary}"]
    pad = " " * 12
    if cap.status == "untested":
        lines.append(f"{pad}no test of it ran")
    if cap.status == "partial":
        lines += [f"{pad}skipped: {reason}" for reason in cap.skips]
    if cap.status in ("fail", "ahead"):
        # The failures that decide the outcome first; the ones only noted after them.
        counted = [f for f in cap.failures if f.kind in ("real", "timeout")]
        ordered = counted + [f for f in cap.failures if f not in counted]
        shown = ordered[:MAX_FAILURES]
        for failure in shown:
            lines.append(f"{pad}{failure.test}{_failure_note(failure)}")
            lines.append(indent(failure.message, pad + "  ", max_lines=6))
            if failure.frame and failure.kind in ("real", "timeout"):
                lines.append(f"{pad}  at {failure.frame}")
            if failure.hint and failure.hint != said:
                lines.append(f"{pad}  {failure.hint}")
        if len(ordered) > len(shown):
            lines.append(f"{pad}... and {len(ordered) - len(shown)} more failing tests "
                         "(--json FILE lists them all)")
    return lines


def _failure_note(failure: Failure) -> str:
    if failure.kind == "book":
        return f"  [shared with the book: {failure.defect}]"
    if failure.kind == "missing":
        return "  [not in your code]"
    if failure.kind == "spelling":
        return f"  [your code spells {failure.name} as {failure.spelled}?]"
    if failure.kind == "timeout":
        return "  [ran too long]"
    return ""


def _short_list(status: str, caps: list[CapabilityResult]) -> list[str]:
    # A capability shared with the book may also lack a name: say which, there too.
    names = ", ".join(_with_missing_names(c) if status in ("missing", "book") else c.name
                      for c in caps)
    lines = _wrap(f"{STATUSES[status].outcome} ({len(caps)}): {names}", "  ", "      ")
    if status in HINTS:
        lines += _wrap(HINTS[status], "      ", "      ")
    return lines


def _with_missing_names(cap: CapabilityResult) -> str:
    names = list(dict.fromkeys(f.name for f in cap.failures if f.kind == "missing" and f.name))
    return f"{cap.name} (no {', '.join(names)})" if names else cap.name


def _not_graded(caps: list[CapabilityResult], step) -> list[str]:
    lines = []
    later = [c for c in caps if c.status == "arrives"]
    if later:
        following = min(c.step for c in later)
        text = (f"arrive in {step_label(following)}: "
                f"{', '.join(c.name for c in later if c.step == following)}")
        rest = [c for c in later if c.step != following]
        if rest:
            text += f"; {len(rest)} more up to {step_label(max(c.step for c in rest))}"
        lines += _wrap(text, "  ", "      ")
    fixed = [c.name for c in caps if c.status == "fixed"]
    if fixed:
        lines += _wrap(f"limitations fixed by {step_label(step.number)}: {', '.join(fixed)}",
                       "  ", "      ")
    conventions = [c.name for c in caps if c.status == "not-graded"]
    if conventions:
        lines += _wrap(f"conventions of this project's stages: {', '.join(conventions)}",
                       "  ", "      ")
    others = collections.defaultdict(list)  # a status this version does not know (newer)
    for cap in caps:
        if cap.status not in STATUSES:
            others[cap.status].append(cap.name)
    for status, names in others.items():
        lines += _wrap(f"{status}: {', '.join(names)}", "  ", "      ")
    return ["", "not graded:"] + lines if lines else []


def _skipped_lines(report: Report) -> list[str]:
    skipped = report.skipped_lines
    if not skipped:
        return []
    files = {entry.get("file") for entry in skipped}
    lines = _wrap(f"skipped the script part of your file ({len(skipped)} top-level "
                  "statements that are not definitions, so they cannot decide the grade):",
                  "", "  ")
    for entry in skipped:  # every one: the line a learner looks for is often the last
        where = f"{pathlib.Path(entry['file']).name}:" if len(files) > 1 else "line "
        lines.append(f"  {where}{entry['line']}: {entry['text']}")
    return lines


def _spelling_lines(report: Report) -> list[str]:
    spellings = report.spellings()
    if not spellings:
        return []
    lines = ["", "spellings: the tests need the book's names, and your code has them "
                 "spelled another way"]
    for name, spelled in spellings.items():
        lines.append(f"  your code spells {name} as {spelled}? --alias {name}={spelled} "
                     "grades it under your spelling")
    return lines


def defects_found(report: Report) -> list[tuple[dict, list[str]]]:
    """(defect, the capabilities it explains) for each book defect behind a failing test."""
    known = {d["name"]: d for d in report.defects}
    found: dict[str, list[str]] = {}
    for cap in report.capabilities:
        for failure in cap.failures:
            if failure.kind == "book" and failure.defect:
                names = found.setdefault(failure.defect, [])
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


def _root_cause_lines(report: Report) -> list[str]:
    cause = report.root_cause()
    if cause is None:
        return []
    frame, count, first = cause
    message = first.message.strip().splitlines()[0] if first.message.strip() else ""
    lines = ["", f"likely root cause: {count} failing tests raised at {frame}",
             f"  first: {first.test}", f"  {message}"]
    if first.hint:
        lines += _wrap(first.hint, "  ", "  ")
    return lines


def summary(report: Report, step) -> str:
    counts = collections.Counter(c.status for c in report.capabilities
                                 if c.status in graded_statuses())
    failing = sum(counts[s] for s in counts if STATUSES[s].failing)
    parts = [f"{counts['pass'] + counts['partial']} passed", f"{failing} failed"]
    for status in ("partial", "untested", "spelling", "missing", "book", "ahead"):
        if counts[status]:
            parts.append(f"{counts[status]} {STATUSES[status].outcome}")
    verdict = "FAILS" if failing else "passes"
    return f"{step_label(step.number)} {verdict}{' (strict)' if report.strict else ''}: " \
           f"{', '.join(parts)}"


def verdict(graded: Graded) -> str:
    """One line for a summary: passes, or why not."""
    if graded.target is None:
        return f"FAILS: {graded.problem}"
    if graded.run.load_error:
        error = graded.run.load_error
        return f"FAILS: your code failed to import ({error['file']}:{error['line']})"
    if graded.run.broken:
        return "FAILS: the suite could not run on it"
    failed = graded.failed()
    return f"FAILS: {', '.join(failed)}" if failed else "passes"


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
