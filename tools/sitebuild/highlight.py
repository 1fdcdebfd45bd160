"""Pygments: a source file as highlighted HTML lines, and a stage diff as an anchored table.

Each file is highlighted whole (a docstring spanning lines stays a docstring), then split
into lines; Pygments' HTML formatter closes its spans at each line end, so a line's HTML
stands alone. A diff line takes the highlighted line of the side it comes from.
"""

from __future__ import annotations

import html
import re

import pygments
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer, TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

from tools.diff import FileDiff

CSS_SCOPE = ".hl"
HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def _lexer(filename: str):
    options = {"stripnl": False, "ensurenl": True}
    if filename.endswith(".py"):
        return PythonLexer(**options)
    try:
        return get_lexer_for_filename(filename, **options)
    except ClassNotFound:
        return TextLexer(**options)


def highlight_lines(lines: list[str], filename: str) -> list[str]:
    """One HTML string per line (escaped, with Pygments' spans); plain where they disagree."""
    if not lines:
        return []
    text = "\n".join(lines) + "\n"
    out = pygments.highlight(text, _lexer(filename), HtmlFormatter(nowrap=True))
    result = out.split("\n")
    if result and result[-1] == "":
        result.pop()
    if len(result) != len(lines):
        return [html.escape(line) for line in lines]
    return result


def style_css() -> str:
    """Pygments' colours for the highlighted code, scoped to .hl."""
    return HtmlFormatter(style="default").get_style_defs(CSS_SCOPE) + "\n"


def _row(row_id: str, kind: str, old: str, new: str, sign: str, code: str) -> str:
    """A diff line: its old and new numbers (the one that identifies it links to its id)."""
    link = f'<a href="#{row_id}">{old if kind == "del" else new}</a>'
    old_cell, new_cell = (link, "") if kind == "del" else (old, link)
    return (f'<tr id="{row_id}" class="{kind}"><td class="no">{old_cell}</td>'
            f'<td class="no">{new_cell}</td><td class="sign">{sign}</td>'
            f'<td class="code">{code}</td></tr>')


def diff_table(diff: FileDiff, prefix: str) -> str:
    """The unified diff of one file as a table; every line has an id `prefix-nN` (new side)
    or `prefix-oN` (a removed line), and its number links to it."""
    old = highlight_lines(diff.old or [], diff.source or diff.path)
    new = highlight_lines(diff.new or [], diff.path)
    rows = []
    old_no = new_no = 0
    for line in diff.unified[2:]:
        hunk = HUNK.match(line)
        if hunk:
            old_no, new_no = int(hunk[1]), int(hunk[2])
            rows.append(f'<tr class="hunk"><td colspan="4">{html.escape(line)}</td></tr>')
            continue
        if line.startswith("-"):
            code = old[old_no - 1] if 0 < old_no <= len(old) else html.escape(line[1:])
            rows.append(_row(f"{prefix}-o{old_no}", "del", str(old_no), "", "-", code))
            old_no += 1
        elif line.startswith("+"):
            code = new[new_no - 1] if 0 < new_no <= len(new) else html.escape(line[1:])
            rows.append(_row(f"{prefix}-n{new_no}", "add", "", str(new_no), "+", code))
            new_no += 1
        else:
            code = new[new_no - 1] if 0 < new_no <= len(new) else html.escape(line[1:])
            rows.append(_row(f"{prefix}-n{new_no}", "ctx", str(old_no), str(new_no), " ", code))
            old_no += 1
            new_no += 1
    return f'<table class="diff hl">{"".join(rows)}</table>'


def source_table(lines: list[str], filename: str, anchors: dict[int, list[str]]) -> str:
    """A whole file, each line with id `L<n>`; `anchors` adds ids (a test's name) at lines."""
    code = highlight_lines(lines, filename)
    rows = []
    for number, text in enumerate(code, start=1):
        marks = "".join(f'<span class="anchor" id="{a}"></span>' for a in anchors.get(number, []))
        row_class = ' class="target"' if marks else ""
        rows.append(f'<tr id="L{number}"{row_class}><td class="no">{marks}'
                    f'<a href="#L{number}">{number}</a></td><td class="code">{text}</td></tr>')
    return f'<table class="source hl">{"".join(rows)}</table>'
