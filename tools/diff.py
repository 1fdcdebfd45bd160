"""diff: what one stage changed against another, as git would show it.

    diff A B             stage A's files against stage B's (unified, --stat, --html)
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import pathlib
import sys

from dezero_stages import registry
from dezero_stages.fileio import write_atomic
from tools.common import Command, Painter, add_colour_option, painter, plural
from tools.lock import stage_files

Path = pathlib.Path


@dataclasses.dataclass
class FileDiff:
    """One file that differs between two stages; old/new are None where the file is absent.

    `source` is set when a new file is shown against another file of stage A that it was
    made from (step 23's core_simple.py from the old __init__.py, step 32's core.py from
    core_simple.py), as git's copy and rename detection does.
    """

    path: str
    old: list[str] | None
    new: list[str] | None
    unified: list[str]
    source: str | None = None

    @property
    def status(self) -> str:
        if self.source is not None:
            return f"made from {self.source}"
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"

    @property
    def label(self) -> str:
        return self.path if self.source is None else f"{self.path} (from {self.source})"

    @property
    def insertions(self) -> int:
        return sum(1 for line in self.unified[2:] if line.startswith("+"))

    @property
    def deletions(self) -> int:
        return sum(1 for line in self.unified[2:] if line.startswith("-"))


def _read_lines(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


# How alike two files must be (difflib's ratio) for one to count as made from the other.
SIMILAR = 0.5


def _similarity(a: list[str] | None, b: list[str] | None) -> float:
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def find_sources(old: dict[str, list[str]], new: dict[str, list[str]]) -> dict[str, str]:
    """For each file new in B, the file of A it was made from, if any is similar enough."""
    sources = {}
    for rel in sorted(new.keys() - old.keys()):
        scored = [(_similarity(old[src], new[rel]), src) for src in sorted(old)]
        best = max(scored, default=(0.0, None))
        if best[0] >= SIMILAR:
            sources[rel] = best[1]
    return sources


def diff_stages(stage_a: int, stage_b: int, only_package: bool = False) -> list[FileDiff]:
    """The files of `dezero/` (and demo.py) that differ from stage A to stage B."""
    def wanted(folder):
        return {rel: _read_lines(path) for rel, path in stage_files(folder).items()
                if rel.startswith("dezero/") or (rel == "demo.py" and not only_package)}

    name_a, name_b = registry.folder_name(stage_a), registry.folder_name(stage_b)
    files_a = wanted(registry.stage_dir(stage_a))
    files_b = wanted(registry.stage_dir(stage_b))
    sources = find_sources(files_a, files_b)
    # A file of A that a new file was made from, and that B rewrote beyond recognition
    # (step 23's __init__.py), is shown as rewritten: its old text lives on in the copy.
    rewritten = {src for src in sources.values()
                 if src in files_b and _similarity(files_a[src], files_b[src]) < SIMILAR}
    diffs = []
    # The package first, the demo last: the diff should read like the book's step.
    for rel in sorted(files_a.keys() | files_b.keys(), key=lambda rel: (rel == "demo.py", rel)):
        source = sources.get(rel)
        from_rel = source if source is not None else rel
        old = None if rel in rewritten else files_a.get(from_rel)
        new = files_b.get(rel)
        if old == new:
            continue
        unified = list(difflib.unified_diff(
            old or [], new or [],
            fromfile=f"{name_a}/{from_rel}" if old is not None else "/dev/null",
            tofile=f"{name_b}/{rel}" if new is not None else "/dev/null",
            lineterm="",
        ))
        diffs.append(FileDiff(rel, old, new, unified, source))
    return diffs


def render_unified(diffs: list[FileDiff], paint: Painter) -> str:
    out = []
    for diff in diffs:
        for i, line in enumerate(diff.unified):
            if i < 2:
                out.append(paint(line, "bold"))
            elif line.startswith("@@"):
                out.append(paint(line, "cyan"))
            elif line.startswith("+"):
                out.append(paint(line, "green"))
            elif line.startswith("-"):
                out.append(paint(line, "red"))
            else:
                out.append(line)
    return "\n".join(out) + "\n" if out else ""


def render_stat(diffs: list[FileDiff], paint: Painter, bar_width: int = 50) -> str:
    """A diffstat in git's form: ` path | 12 ++++----` and a totals line."""
    if not diffs:
        return " 0 files changed\n"
    name_width = max(len(d.label) for d in diffs)
    most = max(d.insertions + d.deletions for d in diffs)
    count_width = len(str(most))
    scale = min(1.0, bar_width / most) if most else 1.0
    lines = []
    for d in diffs:
        plus, minus = d.insertions, d.deletions
        # Scale long bars down, but never hide a change entirely.
        n_plus = max(1, round(plus * scale)) if plus else 0
        n_minus = max(1, round(minus * scale)) if minus else 0
        bar = paint("+" * n_plus, "green") + paint("-" * n_minus, "red")
        lines.append(f" {d.label:<{name_width}} | {plus + minus:>{count_width}} {bar}".rstrip())
    insertions = sum(d.insertions for d in diffs)
    deletions = sum(d.deletions for d in diffs)
    total = f" {plural(len(diffs), 'file')} changed"
    if insertions:
        total += f", {plural(insertions, 'insertion')}(+)"
    if deletions:
        total += f", {plural(deletions, 'deletion')}(-)"
    lines.append(total)
    return "\n".join(lines) + "\n"


HTML_DIFF_STYLE = """
body { font-family: sans-serif; margin: 1.5em; }
h2 { font-size: 1.05em; margin-top: 2em; }
table.diff { font-family: monospace; border-collapse: collapse; font-size: 0.9em; }
table.diff td { padding: 0 0.4em; vertical-align: top; white-space: pre-wrap; }
.diff_header { background-color: #e8e8e8; color: #555; text-align: right; }
.diff_next { background-color: #d0d0d0; }
.diff_add { background-color: #c8f0c8; }
.diff_chg { background-color: #fff3a0; }
.diff_sub { background-color: #f8c8c8; }
"""


def render_diff_html(diffs: list[FileDiff], stage_a: int, stage_b: int) -> str:
    """A side-by-side HTML page: one difflib.HtmlDiff table per file that differs."""
    name_a, name_b = registry.folder_name(stage_a), registry.folder_name(stage_b)
    title = f"DeZero stages: {name_a} → {name_b}"
    differ = difflib.HtmlDiff(tabsize=4, wrapcolumn=90)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{HTML_DIFF_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if not diffs:
        parts.append("<p>No differences.</p>")
    for d in diffs:
        counts = f"+{d.insertions} −{d.deletions}"
        parts.append(f"<h2>{html.escape(d.path)} ({d.status}, {counts})</h2>")
        parts.append(differ.make_table(
            d.old or [], d.new or [],
            fromdesc=f"{name_a}/{d.source or d.path}" if d.old is not None else "(absent)",
            todesc=f"{name_b}/{d.path}" if d.new is not None else "(absent)",
            context=True, numlines=3,
        ))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def run_diff(args) -> int:
    stage_a, _ = registry.resolve(args.a)
    stage_b, _ = registry.resolve(args.b)
    if stage_a == stage_b:
        print(f"steps {args.a} and {args.b} are both served by stage {stage_a}: "
              "nothing to compare", file=sys.stderr)
    diffs = diff_stages(stage_a, stage_b, only_package=args.only_package)
    paint = painter(args)
    if args.html:
        write_atomic(Path(args.html), render_diff_html(diffs, stage_a, stage_b))
        print(f"wrote {args.html} ({plural(len(diffs), 'file')} differ)")
    if args.stat:
        sys.stdout.write(render_stat(diffs, paint))
    elif not args.html:
        sys.stdout.write(render_unified(diffs, paint))
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("a", type=registry.stage_argument, metavar="A")
    parser.add_argument("b", type=registry.stage_argument, metavar="B")
    parser.add_argument("--stat", action="store_true", help="per-file counts of lines + and -")
    parser.add_argument("--html", metavar="FILE", help="write a side-by-side HTML diff")
    parser.add_argument("--only-package", action="store_true", help="leave out demo.py")
    add_colour_option(parser)


COMMANDS = (Command("diff", "diff stage A against stage B", run_diff, add_arguments),)
