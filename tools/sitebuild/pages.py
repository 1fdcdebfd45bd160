"""The site's pages as HTML strings: standard library string formatting, no templates.

Every page is `<html lang="en">`; Korean text sits in elements with `lang="ko"`. Links are
relative (a page under step/ or tests/ reaches the root with "../"), so the site works from
file:// and from any static server. Nothing here reads files: build.py gathers the facts
and hands them in.
"""

from __future__ import annotations

import dataclasses
import html
import re

from dezero_stages.capabilities import Capability
from tools import matrix as matrix_tool
from tools.diff import FileDiff
from tools.sitebuild import highlight, status
from tools.sitebuild.data import MILESTONES, FinalFacts, StepFacts, stage_label, stage_name
from tools.sitebuild.demos import DemoResult
from tools.sitebuild.review import Erratum, Slide
from tools.sitebuild.testindex import TestIndex, page_name

esc = html.escape

SITE_TITLE = "DeZero stages"
# A file's diff is shown open when it is at most this many lines long.
OPEN_DIFF_LINES = 300


@dataclasses.dataclass(frozen=True)
class Figure:
    src: str  # relative to the site's root
    width: int
    height: int
    alt: str


@dataclasses.dataclass
class Demo:
    """What a page shows of a stage's demo: its result, or why there is none."""

    stage: int
    result: DemoResult | None
    figures: list[Figure]
    note: str = ""  # when result is None: "not run (--no-demos)", ...


def step_href(number: int, prefix: str) -> str:
    return f"{prefix}step/{number:02d}.html"


def _ko(text: str, tag: str = "span") -> str:
    return f'<{tag} lang="ko">{esc(text)}</{tag}>' if text else ""


def page(title: str, body: str, depth: int, active: str = "", extra_nav: str = "") -> str:
    prefix = "../" * depth
    links = [("index", "index.html", "Steps"), ("matrix", "matrix.html", "Matrix"),
             ("final", "final.html", "Final package")]
    current = ' aria-current="page"'
    nav = "".join(f'<a href="{prefix}{href}"{current if key == active else ""}>{label}</a>'
                  for key, href, label in links)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # No icon of its own: an empty one, so that browsers ask the server for none.
        '<link rel="icon" href="data:,">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} · {SITE_TITLE}</title>",
        f'<link rel="stylesheet" href="{prefix}assets/site.css">',
        f'<link rel="stylesheet" href="{prefix}assets/pygments.css">',
        f'<script src="{prefix}assets/site.js" defer></script>',
        "</head>",
        "<body>",
        f'<header><nav aria-label="site"><a class="brand" href="{prefix}index.html">'
        f"{SITE_TITLE}</a>{nav}</nav>{extra_nav}</header>",
        "<main>",
        body,
        "</main>",
        "</body>",
        "</html>",
    ]) + "\n"


# ---------------------------------------------------------------------------------------------
# Pieces


def cap_anchor(cap: Capability, lifted: bool = False) -> str:
    return ("lifted-" if lifted else "cap-") + cap.name


def cap_page(cap: Capability, final: int | None, prefix: str) -> str:
    """The page where a capability arrives (its step's page, or final.html)."""
    if final is not None and cap.step == final:
        return f"{prefix}final.html"
    return step_href(cap.step, prefix)


def _tests_list(cap: Capability, tests: TestIndex, prefix: str) -> str:
    refs = tests.tests_of(cap.name)
    if not refs:
        return '<p class="muted">No test is marked with it.</p>'
    items = "".join(f'<li><a href="{prefix}{esc(ref.href)}"><code>{esc(ref.name)}</code></a></li>'
                    for ref in refs)
    return (f'<details class="tests"><summary>checked by {len(refs)} '
            f'test{"s" if len(refs) != 1 else ""}</summary><ul>{items}</ul></details>')


def _cap_kind(cap: Capability) -> str:
    if cap.kind == "pin":
        return f"pin, steps {cap.step}-{cap.until}"
    if cap.stage_only:
        return "stage convention"
    return "extra" if cap.extra else "feature"


def capabilities_section(arrives, lifted, tests: TestIndex, prefix: str) -> str:
    parts = ['<section id="capabilities"><h2>Capabilities</h2>']
    if not arrives and not lifted:
        parts.append("<p>No capability arrives and no pin is lifted at this step.</p>")
    if arrives:
        parts.append("<h3>Arrive here</h3><dl class=\"caps\">")
        for cap in arrives:
            parts.append(f'<dt id="{cap_anchor(cap)}"><code>{esc(cap.name)}</code> '
                         f'<span class="kind">{esc(_cap_kind(cap))}</span></dt>'
                         f"<dd>{esc(cap.summary)}{_tests_list(cap, tests, prefix)}</dd>")
        parts.append("</dl>")
    if lifted:
        parts.append("<h3>Pins lifted here</h3><p>Limitations the stages had until the "
                     "step before; their tests ran only up to it.</p><dl class=\"caps\">")
        for cap in lifted:
            parts.append(f'<dt id="{cap_anchor(cap, lifted=True)}"><code>{esc(cap.name)}</code>'
                         f' <span class="kind">{esc(_cap_kind(cap))}</span></dt>'
                         f"<dd>{esc(cap.summary)} (lifted: the limitation is gone from here on)"
                         f"{_tests_list(cap, tests, prefix)}</dd>")
        parts.append("</dl>")
    parts.append("</section>")
    return "".join(parts)


def _counts(diff: FileDiff) -> str:
    return f"+{diff.insertions} −{diff.deletions}"


def diff_section(diffs: list[FileDiff], previous: int | None, stage: int) -> str:
    against = (f"against {esc(stage_label(previous))}" if previous is not None
               else "(the first stage: every file is new)")
    parts = [f'<section id="diff"><h2>What changed</h2><p>{esc(stage_label(stage))}\'s '
             f"files {against}. A file made from another (as git's copy detection shows it) "
             "is diffed against its source.</p>"]
    if not diffs:
        parts.append("<p>No file differs.</p>")
    else:
        parts.append('<p class="buttons"><button type="button" data-details="open">Expand all'
                     '</button> <button type="button" data-details="close">Collapse all</button>'
                     "</p>")
    for k, diff in enumerate(diffs, start=1):
        prefix = f"f{k}"
        is_open = " open" if len(diff.unified) <= OPEN_DIFF_LINES else ""
        parts.append(
            f'<details class="file" id="{prefix}"{is_open}><summary><code>{esc(diff.path)}'
            f'</code> <span class="status">{esc(diff.status)}</span> '
            f'<span class="counts">{_counts(diff)}</span></summary>'
            f"{highlight.diff_table(diff, prefix)}</details>")
    parts.append("</section>")
    return "".join(parts)


def demo_section(demo: Demo | None, number: int, prefix: str) -> str:
    head = '<section id="demo"><h2>Demo output</h2>'
    if demo is None:
        return head + "<p>This stage has no demo.py.</p></section>"
    script = f"stages/{_stage_folder(demo.stage)}/demo.py"
    how = (f"<p>What <code>{esc(script)}</code> prints (run it yourself: "
           f"<code>python -m tools demo {esc(_demo_arg(demo.stage))}</code>).</p>")
    if demo.result is None:
        return head + how + f'<p class="muted">Demo not run: {esc(demo.note)}.</p></section>'
    result = demo.result
    parts = [head, how]
    if result.returncode is None:
        parts.append('<p class="failed" role="alert">The demo timed out; '
                     "what it printed until then:</p>")
    elif result.returncode != 0:
        parts.append(f'<p class="failed" role="alert">The demo failed with exit status '
                     f"{result.returncode}.</p>")
    parts.append(f'<pre class="output">{esc(result.stdout) or "(it printed nothing)"}</pre>')
    if result.stderr.strip() and not result.ok:
        parts.append(f'<p>Its error output:</p><pre class="output">{esc(result.stderr)}</pre>')
    for figure in demo.figures:
        parts.append(
            f'<figure><a href="{prefix}{esc(figure.src)}"><img src="{prefix}{esc(figure.src)}" '
            f'width="{figure.width}" height="{figure.height}" alt="{esc(figure.alt)}" '
            f'loading="lazy"></a><figcaption>{esc(figure.alt)} '
            f"(<code>{esc(figure.src.rsplit('/', 1)[-1])}</code>)</figcaption></figure>")
    parts.append("</section>")
    return "".join(parts)


def _stage_folder(stage: int) -> str:
    return stage_name(stage)


def _demo_arg(stage: int) -> str:
    label = stage_label(stage)
    return "final" if label == "final" else str(stage)


_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def markdown_inline(text: str) -> str:
    """`code` and **bold** of the errata's cells; everything else escaped."""
    out, pos = [], 0
    for match in _INLINE.finditer(text):
        out.append(esc(text[pos:match.start()]))
        out.append(f"<code>{esc(match[1])}</code>" if match[1] is not None
                   else f"<strong>{esc(match[2])}</strong>")
        pos = match.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def checked_by(text: str, tests: TestIndex, prefix: str) -> str:
    """The errata's "checked by" cell, each `file.py::test` a link to that test."""
    out, pos, last_file = [], 0, None
    for match in re.finditer(r"`([^`]+)`", text):
        out.append(esc(text[pos:match.start()]))
        ref = match[1]
        file, _, name = ref.partition("::")
        file = file or last_file
        last_file = file
        anchors = {a for _, a in tests.anchors.get(file or "", [])}
        anchor = name.replace("::", "-")
        if file and anchor in anchors:
            out.append(f'<a href="{prefix}tests/{esc(page_name(file))}#{esc(anchor)}">'
                       f"<code>{esc(ref)}</code></a>")
        else:
            out.append(f"<code>{esc(ref)}</code>")
        pos = match.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def _mark(text: str, tokens: list[str]) -> str:
    """Escape text, marking each wrong number the errata name."""
    if not tokens:
        return esc(text)
    pattern = re.compile("|".join(rf"(?<![\d.]){re.escape(t)}(?![\d])" for t in tokens))
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(esc(text[pos:match.start()]))
        out.append(f'<mark class="wrong" title="wrong: see the erratum above">'
                   f"{esc(match[0])}</mark>")
        pos = match.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def _slide_body(body: str, tokens: list[str]) -> tuple[str, bool]:
    parts, marked = [], False
    for k, chunk in enumerate(body.split("```")):
        if k % 2:  # a fenced code block
            lines = chunk.split("\n")
            lang = lines[0].strip()
            code = "\n".join(lines[1:] if lang or not lines[0] else lines).strip("\n")
            rendered = "\n".join(highlight.highlight_lines(code.split("\n"), "slide.py"))
            parts.append(f'<pre class="hl code">{rendered}</pre>')
        elif chunk.strip():
            text = _mark(chunk.strip("\n"), tokens)
            marked = marked or 'class="wrong"' in text
            parts.append(f'<div class="prose">{text}</div>')
    return "".join(parts), marked


def review_section(slides: list[Slide], errata: list[Erratum], tests: TestIndex,
                   prefix: str) -> str:
    parts = ['<section id="review"><h2>The study group\'s review</h2>'
             '<p>Quoted from the study group\'s review of steps 1-36 (한국IT교육원, 2021; '
             '<code>docs/reference/book-review-ko.txt</code>), slide by slide under its own '
             "headings.</p>"]
    tokens = []
    for k, erratum in enumerate(errata, start=1):
        tokens += erratum.wrong_tokens()
        parts.append(
            f'<aside class="erratum" id="erratum-{k}" role="note"><p class="flag">Erratum: '
            f"the review is wrong here</p><dl><dt>The review says</dt><dd>"
            f"{markdown_inline(erratum.says)}</dd><dt>Correct</dt><dd>"
            f"{markdown_inline(erratum.correct)}</dd><dt>Why</dt><dd>"
            f"{markdown_inline(erratum.why)}</dd><dt>Checked by</dt><dd>"
            f"{checked_by(erratum.checked_by, tests, prefix)}</dd></dl>"
            f'<p class="muted">From <code>docs/review-errata.md</code>.</p></aside>')
    for slide in slides:
        body, marked = _slide_body(slide.body, tokens)
        flag = ('<p class="flag" lang="en">This slide has a number the errata correct '
                "(marked).</p>" if marked else "")
        parts.append(f'<article class="slide{" has-erratum" if marked else ""}" lang="ko" '
                     f'id="review-L{slide.line}"><h3>{esc(slide.heading)}</h3>{flag}{body}'
                     "</article>")
    parts.append("</section>")
    return "".join(parts)


def grade_section(number: int) -> str:
    book_file = f"steps/step{number:02d}.py"
    package = (f"<p>From step 23 on the book's step files import <code>dezero</code>: "
               f"<code>grade {number} {book_file}</code> grades the <code>dezero/</code> "
               "package beside <code>steps/</code>.</p>" if number >= 23 else "")
    return (
        '<section id="grade"><h2>Grade your own step ' + str(number) + "</h2>"
        "<p>Wrote this step yourself, as the book does? Grade it against the same suite "
        "(README: <em>Grade your code</em>):</p>"
        '<pre class="commands">'
        f"dezero-stages grade {number} {book_file}        # with dezero-stages installed\n"
        f".nox/env/bin/python -m tools grade {number} PATH   # in a clone of this repository\n"
        f"nox -s grade -- {number} PATH\n"
        f".nox/env/bin/python -m pytest shared_tests --stage {number}   # the suite on this stage"
        "</pre>"
        f"{package}<p>Exit status 0 means every capability passed.</p></section>")


def matrix_line(run_status: tuple[str, str] | None, matrix: status.MatrixStatus | None,
                prefix: str) -> str:
    if matrix is None or run_status is None:
        return (f'<p class="matrix-status none">Matrix: no matrix run (see '
                f'<a href="{prefix}matrix.html">the matrix page</a>).</p>')
    css, words = run_status
    stale = " (from an older stages.lock)" if matrix.stale else ""
    return (f'<p class="matrix-status {css}">Matrix: {esc(words)}{stale} — '
            f'<a href="{prefix}matrix.html">the whole matrix</a>.</p>')


# ---------------------------------------------------------------------------------------------
# Pages


def index_page(steps: list[StepFacts], matrix: status.MatrixStatus | None,
               final: FinalFacts | None) -> str:
    parts = [f"<h1>{SITE_TITLE}: the book's 60 steps</h1>",
             '<p>DeZero, the framework of <cite>Deep Learning from Scratch 3</cite> '
             '(<span lang="ko">밑바닥부터 시작하는 딥러닝 3</span>), as one frozen stage per step, '
             "checked by one shared suite. Each step's page shows its diff from the stage "
             "before, the capabilities it brings (with the tests that check them), its demo's "
             "output and, for steps 1-36, the study group's review.</p>",
             "<p>Keys on a step's page: ← → (or k j) go to the previous and next step.</p>"]
    if matrix is None:
        parts.append('<p class="note">Matrix status: no matrix run (build with '
                     "<code>--run-matrix</code> or <code>--matrix REPORT.json</code>).</p>")
    else:
        stale = " It was made from an older stages.lock." if matrix.stale else ""
        parts.append(f"<p>Matrix status from {esc(matrix.source)}.{stale}</p>")
    parts.append('<nav aria-label="milestones"><ul class="milestones">' + "".join(
        f'<li><a href="#milestone-{m}">{m}. {esc(name)}</a></li>'
        for m, (name, _) in sorted(MILESTONES.items())) + "</ul></nav>")
    for milestone, (name, name_ko) in sorted(MILESTONES.items()):
        members = [s for s in steps if s.milestone == milestone]
        if not members:
            continue
        parts.append(f'<section id="milestone-{milestone}"><h2>Milestone {milestone}: '
                     f"{esc(name)} {_ko(f'제{milestone}고지 {name_ko}')} "
                     f'<span class="muted">(steps {members[0].number}-{members[-1].number})'
                     "</span></h2>")
        parts.append('<table class="steps"><thead><tr><th scope="col">Step</th>'
                     '<th scope="col">Title</th><th scope="col">Adds</th>'
                     '<th scope="col">Stage</th><th scope="col">Capabilities</th>'
                     '<th scope="col">Matrix</th></tr></thead><tbody>')
        for step in members:
            parts.append(_index_row(step, matrix))
        parts.append("</tbody></table></section>")
    if final is not None:
        parts.append('<p>After step 60: <a href="final.html">the final package</a> '
                     f"({esc(stage_label(final.stage))}).</p>")
    return page("The 60 steps", "".join(parts), 0, "index")


def _index_row(step: StepFacts, matrix: status.MatrixStatus | None) -> str:
    href = step_href(step.number, "")
    if step.stage is None:
        stage = "not built"
    elif step.stage == step.number:
        stage = f"<code>stages/{_stage_folder(step.stage)}</code>"
    else:
        stage = (f'no code: served by <a href="{step_href(step.stage, "")}">step '
                 f"{step.stage}</a>")
    caps = []
    if step.arrives:
        caps.append("arrive: " + ", ".join(
            f'<a href="{href}#{cap_anchor(c)}"><code>{esc(c.name)}</code></a>'
            for c in step.arrives))
    if step.lifted:
        caps.append("lifted: " + ", ".join(
            f'<a href="{href}#{cap_anchor(c, True)}"><code>{esc(c.name)}</code></a>'
            for c in step.lifted))
    if matrix is None:
        css, words = "none", "no matrix run"
    else:
        css, words = status.summary(matrix.runs.get(step.number))
    return (f'<tr id="step-{step.slug}"><td><a href="{href}">{step.number}</a></td>'
            f'<td><a href="{href}">{esc(step.title)}</a><br>{_ko(step.title_ko)}</td>'
            f"<td>{esc(step.adds)}</td><td>{stage}</td>"
            f'<td class="caps">{"<br>".join(caps) or "—"}</td>'
            f'<td class="matrix-cell {css}">{esc(words)}</td></tr>')


def step_page(step: StepFacts, *, steps: list[StepFacts], diffs: list[FileDiff] | None,
              demo: Demo | None, slides: list[Slide], errata: list[Erratum],
              tests: TestIndex, matrix: status.MatrixStatus | None) -> str:
    prefix = "../"
    numbers = [s.number for s in steps]
    at = numbers.index(step.number)
    prev_step = steps[at - 1] if at > 0 else None
    next_step = steps[at + 1] if at + 1 < len(steps) else None
    pager = ['<nav class="pager" aria-label="steps">']
    if prev_step is not None:
        pager.append(f'<a rel="prev" href="{step_href(prev_step.number, prefix)}">← step '
                     f"{prev_step.number}: {esc(prev_step.title)}</a>")
    else:
        pager.append('<span></span>')
    if next_step is not None:
        pager.append(f'<a rel="next" href="{step_href(next_step.number, prefix)}">step '
                     f"{next_step.number}: {esc(next_step.title)} →</a>")
    else:
        pager.append('<a rel="next" href="../final.html">the final package →</a>')
    pager.append("</nav>")
    pager_html = "".join(pager)
    name, name_ko = step.milestone_name
    parts = [
        pager_html,
        f"<h1>Step {step.number}: {esc(step.title)}</h1>",
        f'<p class="subtitle">{_ko(step.title_ko)}</p>',
        f'<p>Milestone {step.milestone}: <a href="../index.html#milestone-{step.milestone}">'
        f"{esc(name)}</a> {_ko(f'제{step.milestone}고지 {name_ko}')}</p>",
        f'<p class="adds"><strong>Adds:</strong> {esc(step.adds)}</p>',
    ]
    run = None if matrix is None else status.summary(matrix.runs.get(step.number))
    parts.append(matrix_line(run, matrix, prefix))
    toc = ["capabilities", "diff", "demo", "review", "grade"]
    if step.stage != step.number:
        toc[1:3] = ["served"] if step.stage is not None else ["diff"]
    if not slides:
        toc.remove("review")
    parts.append('<nav class="toc" aria-label="on this page">' + " · ".join(
        f'<a href="#{t}">{t}</a>' for t in toc) + "</nav>")
    parts.append(capabilities_section(step.arrives, step.lifted, tests, prefix))
    if step.stage is None:
        parts.append('<section id="diff"><h2>What changed</h2><p>No stage is built for this '
                     "step yet.</p></section>")
    elif step.stage != step.number:
        parts.append(f'<section id="served"><h2>No code</h2><p>Step {step.number} writes no '
                     f"code: it is served by step {step.stage} (<a href="
                     f'"{step_href(step.stage, prefix)}">stage <code>stages/step'
                     f"{step.stage:02d}</code></a>), and the suite grades step {step.number} "
                     f"on that stage.</p></section>")
    else:
        parts.append(diff_section(diffs or [], step.previous, step.stage))
    if step.stage == step.number:
        parts.append(demo_section(demo, step.number, prefix))
    if slides:
        parts.append(review_section(slides, errata, tests, prefix))
    parts.append(grade_section(step.number))
    parts.append(pager_html)
    return page(f"Step {step.number}: {step.title}", "".join(parts), 1)


def final_page(final: FinalFacts | None, diffs: list[FileDiff] | None, demo: Demo | None,
               tests: TestIndex, matrix: status.MatrixStatus | None,
               files: list[tuple[str, int]]) -> str:
    prefix = ""
    parts = ["<h1>The book's final package</h1>"]
    if final is None:
        parts.append("<p>No stage is built yet.</p>")
        return page("The final package", "".join(parts), 0, "final")
    if final.previous is not None:
        parts.append(f"<p><code>stages/final</code> is the package the book released "
                     f"(dezero 0.0.13 on PyPI), the stage after step {final.previous}. Beside "
                     f"all that the steps build, it has {esc(final.adds)}. A program written "
                     "for the book's <code>dezero</code> runs on it unchanged: "
                     f"<code>python -m tools diff {final.previous} final</code> shows what it "
                     "adds, below.</p>")
        run = None if matrix is None else status.summary(matrix.runs.get(final.stage))
        parts.append(matrix_line(run, matrix, prefix))
        parts.append(capabilities_section(final.arrives, final.lifted, tests, prefix))
        parts.append(diff_section(diffs or [], final.previous, final.stage))
    else:
        parts.append(f'<p>Stage {final.stage} is the book\'s whole final package: a program '
                     f"written for the book's <code>dezero</code> runs on <code>stages/step"
                     f'{final.stage:02d}</code> unchanged. See <a href="'
                     f'{step_href(final.stage, prefix)}">step {final.stage}</a> for what its '
                     "last step changed.</p>")
        run = None if matrix is None else status.summary(matrix.runs.get(final.stage))
        parts.append(matrix_line(run, matrix, prefix))
    if files:
        rows = "".join(f"<tr><td><code>{esc(rel)}</code></td><td>{lines}</td></tr>"
                       for rel, lines in files)
        parts.append('<section id="files"><h2>Its files</h2><table class="files"><thead><tr>'
                     '<th scope="col">file</th><th scope="col">lines</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table></section>")
    parts.append(demo_section(demo, final.stage, prefix))
    return page("The final package", "".join(parts), 0, "final")


def matrix_page(matrix: status.MatrixStatus | None, final: int | None) -> str:
    parts = ["<h1>Capability × stage matrix</h1>"]
    if matrix is None or not matrix.runs:
        parts.append('<p class="note">No matrix report: run <code>python -m tools matrix '
                     "--json REPORT.json</code> and build with <code>python -m tools site "
                     "--matrix REPORT.json</code> (or <code>--run-matrix</code>, which keeps "
                     "it in the cache).</p>")
        return page("Matrix", "".join(parts), 0, "matrix")
    runs = list(matrix.runs.values())
    stale = " It was made from an older stages.lock." if matrix.stale else ""
    parts.append(f"<p>From {esc(matrix.source)}.{stale} Rows: capabilities in the table's "
                 "order; columns: steps (hover a cell for the details).</p>")

    def column(run) -> str:
        label = "final" if final is not None and run.step == final else str(run.step)
        href = "final.html" if label == "final" else step_href(run.step, "")
        return f'<th scope="col"><a href="{href}">{label}</a></th>'

    head = "".join(column(run) for run in runs)
    body = []
    for row in matrix_tool.matrix_rows(runs):
        cells = []
        for run in runs:
            cell = matrix_tool.cell_status(run, row.name)
            tip = f"{row.name}, {matrix_tool.stage_note(run)}: {matrix_tool.LEGEND[cell]}"
            cap = run.capability(row.name)
            if cap is not None:
                tip += "".join(f"\n{f.test}: {f.message}" for f in cap.failures)
                if cell == "partial":
                    tip += "".join(f"\nskipped: {reason}" for reason in cap.skips)
            cells.append(f'<td class="{cell}" title="{esc(tip)}">'
                         f"{matrix_tool.SYMBOLS[cell]}</td>")
        target = ("final.html" if final is not None and row.step == final
                  else step_href(row.step, ""))
        anchor = f"cap-{row.name}"
        body.append(f'<tr><th scope="row" class="name"><a href="{target}#{esc(anchor)}" '
                    f'title="{esc(row.summary)}">{esc(row.name)}</a></th>'
                    f"<td>{esc(row.span)}</td>{''.join(cells)}</tr>")
    totals = []
    for name in ("pass", "fail"):
        cells = "".join(f"<td>{run.counts[name] if run.report else '!'}</td>" for run in runs)
        totals.append(f'<tr class="total"><th scope="row">{name}</th><td></td>{cells}</tr>')
    legend = "".join(f"<li><span class=\"sym\">{matrix_tool.SYMBOLS[s]}</span> "
                     f"{esc(matrix_tool.LEGEND[s])}</li>"
                     for s in matrix_tool.legend_statuses(runs))
    parts.append('<div class="scroll"><table class="matrix"><thead><tr><th scope="col">'
                 f'capability</th><th scope="col">steps</th>{head}</tr></thead><tbody>'
                 f"{''.join(body)}{''.join(totals)}</tbody></table></div>")
    parts.append(f'<h2>Legend</h2><ul class="legend">{legend}</ul>')
    notes = matrix_tool.partial_notes(runs)
    if notes:
        parts.append("<h2>Tested in part</h2><ul>" + "".join(
            f"<li>{esc(note)}</li>" for note in notes) + "</ul>")
    return page("Matrix", "".join(parts), 0, "matrix")


def test_page(file: str, lines: list[str], tests: TestIndex, caps_by_test) -> str:
    anchors: dict[int, list[str]] = {}
    for line, anchor in tests.anchors.get(file, []):
        anchors.setdefault(line, []).append(anchor)
    items = []
    for _, anchor in tests.anchors.get(file, []):
        caps = caps_by_test.get((file, anchor), [])
        checks = f" — {esc(', '.join(caps))}" if caps else ""
        items.append(f'<li><a href="#{esc(anchor)}"><code>{esc(anchor)}</code></a>{checks}</li>')
    listing = "".join(items)
    kind = "op-table rows" if file == "op_rows.py" else "tests"
    body = (f"<h1><code>shared_tests/{esc(file)}</code></h1>"
            f"<p>Source of the shared suite. Its {kind}, each with the capability it checks:</p>"
            f'<details class="tests"><summary>{len(tests.anchors.get(file, []))} {kind}'
            f"</summary><ul>{listing}</ul></details>"
            f"{highlight.source_table(lines, file, anchors)}")
    return page(f"shared_tests/{file}", body, 1)
