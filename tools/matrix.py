"""matrix: the shared suite on every stage in parallel, as a capability x step grid.

    matrix               the grid on the terminal; --markdown, --html, --json also write it

The stages run on one worker process per CPU, each worker running its share of the steps one
after another (runner.run_batch); `--one-process-per-step` runs each step in a pytest
process of its own instead (runner.run_suite). The grid, the Markdown table and the HTML page
are rendered from the reports those runs wrote.
"""

from __future__ import annotations

import collections
import concurrent.futures
import html
import json
import os
import pathlib
import re
import sys
import tempfile
import time

from dezero_stages import registry
from dezero_stages import report as report_format
from dezero_stages.fileio import write_atomic
from dezero_stages.report import CapabilityResult
from tools.common import (
    SUITE_MODULES,
    Command,
    CommandError,
    Painter,
    add_colour_option,
    indent_message,
    output_tail,
    painter,
    plural,
    require_modules,
)
from tools.runner import StageRun, run_batch, run_suite

Path = pathlib.Path

# One symbol per status a stage can have (dezero_stages.report.STATUSES), plus "no-report"
# (pytest wrote none) and "other" (a status this table does not know; the JSON report has
# it). The words for each come from the report's status table.
SYMBOLS = {"pass": "✓", "fail": "✗", "partial": "◐", "arrives": "·", "fixed": "—",
           "untested": "?", "no-report": "!", "other": "○"}
ASCII_SYMBOLS = {"pass": "+", "fail": "x", "partial": "~", "arrives": ".", "fixed": "-",
                 "untested": "?", "no-report": "!", "other": "o"}
LEGEND = {
    **{name: report_format.STATUSES[name].meaning for name in SYMBOLS
       if name in report_format.STATUSES},
    "no-report": "no report (pytest did not run)",
    "other": "another status (see the JSON report)",
}
CELL_COLOUR = {"pass": "green", "partial": "yellow", "fail": "red", "no-report": "yellow",
               "untested": "yellow", "arrives": "dim", "fixed": "dim", "other": "dim"}


def symbols_for(stream) -> dict[str, str]:
    """The Unicode symbols, or ASCII ones where the stream cannot encode them."""
    try:
        "".join(SYMBOLS.values()).encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII_SYMBOLS
    return SYMBOLS


def matrix_rows(runs: list[StageRun]) -> list[CapabilityResult]:
    """The capabilities named in the reports, in capability-table order (one result each,
    for its name, span and summary)."""
    rows = {}
    for run in runs:
        for cap in run.capabilities:
            rows.setdefault(cap.name, cap)
    return list(rows.values())


def cell_status(run: StageRun, name: str) -> str:
    if run.report is None:
        return "no-report"
    cap = run.capability(name)
    if cap is None:
        return "untested"
    return cap.status if cap.status in SYMBOLS else "other"


def legend_statuses(runs: list[StageRun]) -> list[str]:
    """Every status of the legend: all but "other", which only where a cell has it."""
    other = any(cell_status(run, cap.name) == "other" for run in runs for cap in run.capabilities)
    return [s for s in SYMBOLS if s != "other" or other]


def stage_note(run: StageRun) -> str:
    """"step 5 (stage 4)" where a no-code step runs the stage before it."""
    if run.stage is not None and run.stage != run.step:
        return f"step {run.step} (stage {run.stage})"
    return registry.step_label(run.step)


def stage_totals(run: StageRun) -> str:
    if run.report is None:
        return "no report" if run.returncode is not None else "timed out, no report"
    counts = run.counts
    parts = [f"{counts['pass']} pass", f"{counts['fail']} fail"]
    parts += [f"{counts[s]} {label}" for s, label in
              (("partial", "partial"), ("untested", "untested"), ("fixed", "fixed"),
               ("arrives", "arriving"))
              if counts[s]]
    if run.broken:
        parts.append(f"pytest exit status {run.returncode}")
    return ", ".join(parts)


def partial_notes(runs: list[StageRun]) -> list[str]:
    """One line per capability and set of skip reasons: "name (steps 26-36): reason; ..."."""
    steps = collections.defaultdict(list)
    for run in runs:
        for cap in run.capabilities:
            if cap.status == "partial":
                steps[cap.name, "; ".join(cap.skips) or "no reason given"].append(run.step)
    return [f"{name} (steps {registry.describe_ranges(numbers)}): {reasons}"
            for (name, reasons), numbers in steps.items()]


def _totals_statuses(runs: list[StageRun]) -> tuple[str, ...]:
    if any(run.counts["partial"] for run in runs):
        return ("pass", "partial", "fail")
    return ("pass", "fail")


def render_grid(runs: list[StageRun], symbols: dict[str, str] = SYMBOLS,
                paint: Painter | None = None) -> str:
    """Capabilities down, steps across, one symbol per cell; then a legend and totals."""
    paint = paint or Painter(False)
    rows = matrix_rows(runs)
    name_width = max([len("capability")] + [len(r.name) for r in rows])
    span_width = max([len("steps")] + [len(r.span) for r in rows])
    col = max(3, max((len(registry.label(run.step)) + 1 for run in runs), default=3))
    lines = [f"{'capability':<{name_width}} {'steps':>{span_width}} "
             + "".join(f"{registry.label(run.step):>{col}}" for run in runs)]
    for row in rows:
        cells = []
        for run in runs:
            status = cell_status(run, row.name)
            cells.append(" " * (col - 1) + paint(symbols[status], CELL_COLOUR[status]))
        lines.append(f"{row.name:<{name_width}} {row.span:>{span_width}} " + "".join(cells))
    lines.append("")
    lines.append("  ".join(f"{symbols[s]} {LEGEND[s]}" for s in legend_statuses(runs)))
    lines.append("steps: a feature applies from its step on; a pin (a-b) only while the "
                 "limitation lasts")
    notes = partial_notes(runs)
    if notes:
        lines.append(f"{symbols['partial']} skipped in part:")
        lines += [f"  {note}" for note in notes]
    lines.append("")
    label_width = max((len(stage_note(run)) for run in runs), default=0)
    for run in runs:
        lines.append(f"{stage_note(run):<{label_width}}  {run.seconds:6.1f} s  "
                     f"{stage_totals(run)}")
    return "\n".join(lines) + "\n"


def render_markdown(runs: list[StageRun]) -> str:
    rows = matrix_rows(runs)
    header = ["capability", "steps"] + [registry.label(run.step) for run in runs]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "---|---|" + ":-:|" * len(runs)]
    for row in rows:
        cells = [SYMBOLS[cell_status(run, row.name)] for run in runs]
        lines.append("| " + " | ".join([f"`{row.name}`", row.span] + cells) + " |")
    for status in _totals_statuses(runs):
        totals = [str(run.counts[status]) if run.report else SYMBOLS["no-report"] for run in runs]
        lines.append("| " + " | ".join([f"**{status}**", ""] + totals) + " |")
    legend = ", ".join(f"{SYMBOLS[s]} {LEGEND[s]}" for s in legend_statuses(runs))
    lines += ["", f"Legend: {legend}."]
    served = [run for run in runs if run.stage not in (None, run.step)]
    if served:
        steps = ", ".join(str(run.step) for run in served)
        stages = ", ".join(str(run.stage) for run in served)
        lines.append(f"Steps {steps} have no code: they run stages {stages}.")
    notes = partial_notes(runs)
    if notes:
        lines += ["", f"{SYMBOLS['partial']} skipped in part:", ""]
        lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


HTML_MATRIX_STYLE = """
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.15em 0.4em; text-align: center; }
td.name { text-align: left; font-family: monospace; }
td.pass { background: #c8f0c8; } td.fail { background: #f8b8b8; font-weight: bold; }
td.partial { background: #e4f0b0; }
td.arrives, td.fixed { color: #999; } td.untested, td.no-report { background: #fff3a0; }
tr.total td { font-weight: bold; background: #eee; }
"""


def render_html(runs: list[StageRun], wall_seconds: float | None = None) -> str:
    rows = matrix_rows(runs)
    esc = html.escape
    head = "".join(f'<th title="{esc(stage_note(run))}">{registry.label(run.step)}</th>'
                   for run in runs)
    body = []
    for row in rows:
        cells = []
        for run in runs:
            status = cell_status(run, row.name)
            tip = f"{row.name}, {stage_note(run)}: {LEGEND[status]}"
            cap = run.capability(row.name)
            if cap is not None:
                for failure in cap.failures:
                    tip += f"\n{failure.test}: {failure.message}"
                if status == "partial":
                    tip += "".join(f"\nskipped: {reason}" for reason in cap.skips)
            cells.append(f'<td class="{status}" title="{esc(tip)}">{SYMBOLS[status]}</td>')
        body.append(f'<tr><td class="name" title="{esc(row.summary)}">{esc(row.name)}</td>'
                    f"<td>{esc(row.span)}</td>{''.join(cells)}</tr>")
    for status in _totals_statuses(runs):
        totals = "".join(f"<td>{run.counts[status] if run.report else '!'}</td>" for run in runs)
        body.append(f'<tr class="total"><td class="name">{status}</td><td></td>{totals}</tr>')
    legend = "".join(f"<li>{SYMBOLS[s]} {esc(LEGEND[s])}</li>" for s in legend_statuses(runs))
    notes = "".join(f"<li>{esc(note)}</li>" for note in partial_notes(runs))
    notes = f"<p>{SYMBOLS['partial']} skipped in part:</p><ul>{notes}</ul>" if notes else ""
    timing = f"<p>Wall time {wall_seconds:.1f} s.</p>" if wall_seconds is not None else ""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>DeZero stages: capability matrix'
        f"</title><style>{HTML_MATRIX_STYLE}</style></head><body>",
        "<h1>DeZero stages: capability matrix</h1>",
        f"<table><thead><tr><th>capability</th><th>steps</th>{head}</tr></thead>",
        "<tbody>", *body, "</tbody></table>",
        f"<ul>{legend}</ul>", notes, timing, "</body></html>",
    ]) + "\n"


def parse_steps(spec: str) -> list[int]:
    """'1-22' or '3,5,7-9,final' -> sorted step numbers, each checked against the registry."""
    numbers = set()
    for part in spec.split(","):
        part = part.strip()
        if part.lower() == registry.FINAL_NAME:
            numbers.add(registry.FINAL)
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise CommandError(f"--stages {spec!r}: expected numbers and ranges like 1-22 "
                               "or 3,5,7-9,final", status=2)
        low = int(match[1])
        high = int(match[2] or low)
        if high < low:
            raise CommandError(f"--stages {spec!r}: range {part} runs backwards", status=2)
        numbers.update(range(low, high + 1))
    valid = set(registry.session_steps())
    unknown = sorted(numbers - valid)
    if unknown:
        raise registry.UnknownStageError(
            f"unknown stage {registry.describe_ranges(unknown)}: valid stages are "
            f"{registry.describe_ranges(sorted(valid))}")
    return sorted(numbers)


def run_stage(step: int, workdir: Path, timeout: float | None) -> StageRun:
    return run_suite(step, workdir / f"{registry.folder_name(step)}.json", timeout=timeout)


def run_steps(steps: list[int], workdir: Path, jobs: int, timeout: float | None, on_finish,
              one_process_per_step: bool = False) -> list[StageRun]:
    """Every step's run: on batch workers, or (one_process_per_step) a pytest process each."""
    if not one_process_per_step:
        return run_batch(steps, workdir, jobs, timeout=timeout, on_finish=on_finish)
    runs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_stage, step, workdir, timeout) for step in steps]
        for future in concurrent.futures.as_completed(futures):
            runs.append(future.result())
            on_finish(runs[-1])
    return runs


def _json(runs: list[StageRun], wall: float) -> str:
    data = {"wall_seconds": round(wall, 3), "stages": [
        {"step": run.step, "returncode": run.returncode, "seconds": round(run.seconds, 3),
         "report": None if run.report is None else report_format.to_dict(run.report)}
        for run in runs]}
    return json.dumps(data, indent=2) + "\n"


def run_matrix(args) -> int:
    steps = parse_steps(args.stages) if args.stages else registry.session_steps()
    if not steps:
        raise CommandError("no stage is built yet: nothing to run", status=2)
    require_modules(args, *SUITE_MODULES, session="matrix")
    jobs = max(1, args.jobs or os.cpu_count() or 1)
    start = time.perf_counter()

    def progress(run: StageRun) -> None:
        # One line per finished stage, whether or not stderr is a terminal.
        print(f"  {stage_note(run)}: {stage_totals(run)} ({run.seconds:.1f} s)",
              file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="dezero-matrix-") as tmp:
        runs = run_steps(steps, Path(tmp), jobs, args.timeout, progress,
                         one_process_per_step=args.one_process_per_step)
    runs.sort(key=lambda run: run.step)
    wall = time.perf_counter() - start

    paint = painter(args)
    sys.stdout.write(render_grid(runs, symbols_for(sys.stdout), paint))
    print(f"{plural(len(runs), 'step')} in {wall:.1f} s wall time ({jobs} in parallel)")

    for path, text in ((args.markdown, lambda: render_markdown(runs)),
                       (args.html, lambda: render_html(runs, wall)),
                       (args.json, lambda: _json(runs, wall))):
        if path:
            write_atomic(Path(path), text())
            print(f"wrote {path}")

    failed = [run for run in runs if not run.ok]
    for run in failed:
        print(f"\n{paint(stage_note(run), 'bold')}: {stage_totals(run)}")
        for name, failure in run.failures:
            print(f"  FAIL {name}: {failure.test}")
            print(indent_message(failure.message, " " * 7))
        if run.broken:
            print("  pytest output (tail):")
            print("    " + output_tail(run.output).replace("\n", "\n    "))
    if failed:
        print(f"\nmatrix failed: {', '.join(stage_note(run) for run in failed)}",
              file=sys.stderr)
        return 1
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--stages", metavar="SPEC", help="steps to run, e.g. 1-22 or 3,5,7-9")
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="parallel runs (default: CPUs)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", default=900,
                        help="give up on one stage's run after this long (default 900)")
    parser.add_argument("--one-process-per-step", action="store_true",
                        help="run each step in a pytest process of its own (slower; for "
                             "telling a crash in one stage from the next)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the grid as Markdown")
    parser.add_argument("--html", metavar="FILE", help="also write the grid as HTML")
    parser.add_argument("--json", metavar="FILE",
                        help="also write every stage's report as JSON")
    add_colour_option(parser)


COMMANDS = (Command("matrix", "run the shared suite on every stage, in parallel", run_matrix,
                    add_arguments),)
