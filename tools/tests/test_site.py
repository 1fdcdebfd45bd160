"""`python -m tools site`: the study site built from the real stages (demos not run), and
the demo cache on a fake stages tree (tools/tests/conftest.py's `repo`)."""

from __future__ import annotations

import html.parser
import json
import pathlib
import posixpath
import re
import urllib.parse

import pytest
from PIL import Image

from dezero_stages import registry
from tools.cli import main
from tools.sitebuild import build as site_build
from tools.sitebuild import demos, pages, review, testindex

Path = pathlib.Path


def _build(out: Path, cache: Path, *extra: str) -> None:
    assert main(["site", "--out", str(out), "--cache", str(cache), "--no-demos", *extra]) == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    _build(out, tmp_path_factory.mktemp("cache"))
    return out


def _text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


class Links(html.parser.HTMLParser):
    """Every id and every href/src of one page."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append(attrs[name])


def _parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_step_has_a_page_and_the_index_links_them(site):
    for number in range(1, 61):
        assert (site / f"step/{number:02d}.html").is_file(), number
    index = _text(site, "index.html")
    for number in range(1, 61):
        assert f'href="step/{number:02d}.html"' in index
    for name in ("index.html", "matrix.html", "final.html"):
        assert (site / name).is_file()


def test_step_17_shows_the_weakref_diff_and_links_its_test(site):
    page = _text(site, "step/17.html")
    added = re.findall(r'<tr id="f\d+-n\d+" class="add">.*?</tr>', page)
    assert any("weakref" in row for row in added), "no added line of the diff uses weakref"
    refs = re.findall(r'href="\.\./(tests/test_\w+\.html)#([\w-]+)"', page)
    anchors = {ref.anchor for ref in testindex.build_index().tests_of("weakref-outputs")}
    weakref_tests = [(f, a) for f, a in refs if a in anchors]
    assert weakref_tests, "no link to a weakref-outputs test"
    file, anchor = weakref_tests[0]
    assert f'id="{anchor}"' in _text(site, file)
    assert 'id="cap-weakref-outputs"' in page
    # the pin lifted at 17: cycle-survives had until=16
    assert 'id="lifted-cycle-survives"' in page


def test_made_from_files_show_their_source(site):
    assert re.search(r"<code>dezero/core\.py</code> <span class=\"status\">made from "
                     r"dezero/core_simple\.py", _text(site, "step/32.html"))
    assert re.search(r"<code>dezero/core_simple\.py</code> <span class=\"status\">made from "
                     r"dezero/__init__\.py", _text(site, "step/23.html"))


def test_a_no_code_step_names_its_stage_and_has_no_diff(site):
    page = _text(site, "step/05.html")
    assert "served by step 4" in page
    assert 'class="diff' not in page
    assert 'served by <a href="step/04.html">step 4</a>' in _text(site, "index.html")


def test_review_is_quoted_and_errata_are_flagged(site):
    page17 = _text(site, "step/17.html")
    assert "17단계: 메모리 관리 및 순환 참조." in page17
    assert 'lang="ko"' in page17
    assert 'class="erratum"' not in page17
    page33 = _text(site, "step/33.html")
    erratum = page33[page33.index('class="erratum"'):]
    assert "<strong>44</strong>" in erratum and "48" in erratum
    assert '<mark class="wrong"' in page33 and ">48</mark>" in page33
    assert 'href="../tests/test_higher_order.html#test_second_derivative_44_after_cleargrad"' \
        in page33
    assert 'id="review"' not in _text(site, "step/40.html")  # the review ends at step 36


def test_pages_are_accessible_basics(site):
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert '<html lang="en">' in text, path
        assert re.search(r"<title>[^<]+</title>", text), path
        assert 'href="' in text and "final.html" in text, path  # the nav bar
        for img in re.findall(r"<img [^>]*>", text):
            assert re.search(r'alt="[^"]{10,}"', img) and "width=" in img and "height=" in img


def test_without_a_matrix_the_pages_say_so(site):
    assert "no matrix run" in _text(site, "index.html")
    assert "No matrix report" in _text(site, "matrix.html")
    assert "Demo not run" in _text(site, "step/17.html")


def test_internal_links_resolve_to_files_and_anchors(site):
    parsed = {path: _parse(path) for path in site.rglob("*.html")}
    broken = []
    for path, links in sorted(parsed.items()):
        for link in links.links:
            url = urllib.parse.urlsplit(link)
            if url.scheme == "data":
                continue  # inline (the empty icon): nothing to fetch
            assert not url.scheme and not url.netloc, f"{path}: external link {link}"
            target = path if not url.path else Path(posixpath.normpath(
                (path.parent / url.path).as_posix()))
            if not target.is_file() or site not in target.parents:
                broken.append(f"{path.relative_to(site)}: {link}")
            elif url.fragment and target.suffix == ".html" \
                    and url.fragment not in parsed[target].ids:
                broken.append(f"{path.relative_to(site)}: {link} (no such anchor)")
    assert not broken, broken[:20]


def test_two_builds_are_byte_identical(site, tmp_path):
    again = tmp_path / "again"
    _build(again, tmp_path / "cache")

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in root.rglob("*") if p.is_file()}

    first, second = files(site), files(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert not any(str(registry.ROOT) in text.decode("utf-8", "replace")
                   for text in first.values())


def test_refuses_to_empty_a_folder_it_did_not_build(tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("keep me")
    status = main(["site", "--out", str(tmp_path), "--no-demos", "--cache", str(tmp_path)])
    assert status == 2 and (tmp_path / "mine.txt").is_file()
    assert "not built by" in capsys.readouterr().err


def test_a_matrix_report_gives_each_step_its_status(tmp_path):
    report = {"wall_seconds": 1.0, "stages": [
        {"step": 17, "returncode": 1, "seconds": 1.0, "report": {
            "schema": 2, "step": 17, "stage": 17, "impl": "x", "dezero_file": "x",
            "exitstatus": 1, "capabilities": [
                {"name": "weakref-outputs", "step": 17, "until": None, "kind": "feature",
                 "summary": "s", "status": "fail", "passed": 0, "failed": 1, "skipped": 0,
                 "failures": [{"test": "t", "message": "m"}], "skips": []}]}}]}
    path = tmp_path / "matrix.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    out = tmp_path / "site"
    _build(out, tmp_path / "cache", "--matrix", str(path))
    assert "1 FAIL" in _text(out, "step/17.html")
    matrix = _text(out, "matrix.html")
    assert '<td class="fail"' in matrix and 'href="step/17.html#cap-weakref-outputs"' in matrix


# ---------------------------------------------------------------------------------------------
# The review and the test index, on their own


def test_review_headings_split_slides_by_step():
    text = ("제 1고지 미분\n1단계: 상자 & a.py\n- one\n\n\n- two\n11, 12단계 - 가변\nboth\n"
            "15~16단계: 그래프\nrange\n제 2고지 끝\nnot a slide\n")
    slides = review.split_review(text)
    assert [s.body for s in slides[1]] == ["- one\n\n- two"]
    assert slides[11] == slides[12] and slides[11][0].body == "both"
    assert slides[15] == slides[16] and slides[16][0].heading == "15~16단계: 그래프"
    assert all("not a slide" not in s.body for group in slides.values() for s in group)


def test_errata_name_the_wrong_numbers():
    errata = review.load_errata()
    tokens = [t for e in errata[33] for t in e.wrong_tokens()]
    assert "48" in tokens and "44" not in tokens


def test_op_rows_link_their_capability():
    index = testindex.build_index()
    rows = [ref for ref in index.tests_of("function-call") if ref.file == "op_rows.py"]
    assert rows and rows[0].anchor == "op-square"
    assert testindex.op_anchor("a+b") == "op-a_2bb"


# ---------------------------------------------------------------------------------------------
# The demo cache, on the fake stages tree


def test_demos_run_once_per_stage_content_and_failures_are_kept(repo):
    (registry.stage_dir(3) / "demo.py").write_text(
        "import os, sys\nprint('three', os.getcwd() != '')\n"
        "from PIL import Image\nos.makedirs(sys.argv[2], exist_ok=True)\n"
        "Image.new('RGB', (2400, 600), 'white').save(os.path.join(sys.argv[2], 'wide.png'))\n"
        "sys.exit(3)\n")
    cache = repo / "cache"
    first = demos.collect([1, 3], cache, jobs=2, timeout=60)
    assert first[3].returncode == 3 and "three True" in first[3].stdout
    assert first[1].ok and not first[1].cached
    assert [p.name for p in first[3].figures] == ["wide.png"]

    def must_not_run(*args):
        raise AssertionError("a cached demo ran again")

    again = demos.collect([1, 3], cache, run=must_not_run)
    assert again[3].cached and again[3].returncode == 3
    # a changed stage is run again
    (registry.stage_dir(1) / "demo.py").write_text("print('changed')\n")
    rerun = demos.collect([1], cache)
    assert not rerun[1].cached and rerun[1].stdout == "changed\n"

    out = repo / "site"
    out.mkdir()
    shown = site_build.demo_pages(again, [1, 3], out, ran=True)
    figure = shown[3].figures[0]
    assert (figure.width, figure.height) == (2000, 500)
    with Image.open(out / figure.src) as image:
        assert image.size == (2000, 500)
    section = pages.demo_section(shown[3], 3, "../")
    assert "exit status 3" in section and 'width="2000" height="500"' in section


def test_a_demo_that_runs_too_long_is_recorded_as_timed_out(repo):
    (registry.stage_dir(2) / "demo.py").write_text("import time\nprint('start', flush=True)\n"
                                                   "time.sleep(30)\n")
    result = demos.collect([2], repo / "cache", timeout=1)[2]
    assert result.returncode is None and not result.ok
    assert "timed out" in pages.demo_section(
        pages.Demo(2, result, []), 2, "../")


def test_a_matrix_run_that_left_a_stage_without_a_report_is_run_again(tmp_path, monkeypatch):
    import subprocess

    from tools.sitebuild import status

    def fake_matrix(command, **kwargs):
        # The matrix as a crash leaves it: step 1 reported, step 2 has no report.
        out = pathlib.Path(command[command.index("--json") + 1])
        out.write_text(json.dumps({"wall_seconds": 1.0, "stages": [
            {"step": 1, "returncode": 4, "seconds": 0.1, "report": None}]}))
        calls.append(command)
        return subprocess.CompletedProcess(command, 1, "", "")

    calls = []
    monkeypatch.setattr(status.subprocess, "run", fake_matrix)
    found = status.find(None, tmp_path, run=True, log=lambda line: None)
    assert found is not None and found.runs[1].report is None
    assert (tmp_path / "matrix.lock-sha256").read_text().strip() == "incomplete"
    status.find(None, tmp_path, run=True, log=lambda line: None)
    assert len(calls) == 2  # not kept as current: run again


def test_the_matrix_cache_key_follows_the_suite_too(monkeypatch, tmp_path):
    from tools.sitebuild import status

    before = status.lock_hash()
    suite = tmp_path / "shared_tests"
    suite.mkdir()
    (suite / "test_x.py").write_text("def test_x():\n    pass\n")
    monkeypatch.setattr(status, "SUITE_SOURCES", ("shared_tests", "dezero_stages",
                                                  str(suite.relative_to(tmp_path))))
    monkeypatch.setattr(registry, "ROOT", tmp_path)
    (tmp_path / "stages").mkdir()
    monkeypatch.setattr(registry, "STAGES_DIR", tmp_path / "stages")
    one = status.lock_hash()
    (suite / "test_x.py").write_text("def test_x():\n    assert False\n")
    assert status.lock_hash() != one != before
