"""site-check: small sites written here, checked in the distribution's Chromium.

The browser tests share one Chromium per module. Without a Chromium (or Playwright) they are
skipped, saying so, except where CI is set: there they fail, so CI cannot pass unchecked.
"""

from __future__ import annotations

import contextlib
import pathlib

import pytest

from tools import cli, site_check
from tools.common import CommandError
from tools.site_check import PageFacts, Problem

# ---------------------------------------------------------------------------------------------
# Fixture sites


def html(body: str, *, lang: str | None = "en", head: str = "") -> str:
    lang_attr = "" if lang is None else f' lang="{lang}"'
    return (f"<!doctype html>\n<html{lang_attr}><head><meta charset=\"utf-8\"><title>t</title>"
            f"{head}</head>\n<body>\n{body}\n</body></html>\n")


def png(path: pathlib.Path, width: int, height: int = 4) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, height), (200, 80, 40)).save(path)


def write_site(root: pathlib.Path, pages: dict[str, str]) -> pathlib.Path:
    for name, text in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def clean_pages() -> dict[str, str]:
    """Two pages linking each other's anchors, an image each (one lazy, in a subfolder)."""
    return {
        "index.html": html('<h1 id="top-title">Site</h1>\n'
                           '<a href="step/01.html#changes">step 1</a>\n'
                           '<a href="#top-title">up</a> <a href="#">nowhere</a>\n'
                           '<a href="https://example.com/">elsewhere</a>\n'
                           '<a href="mailto:someone@example.com">mail</a>\n'
                           '<img src="assets/small.png" alt="a small picture">'),
        "step/01.html": html('<div style="height: 3000px"></div>\n'
                             '<section id="changes"><a href="../index.html">home</a>'
                             '<a name="old-anchor"></a></section>\n'
                             '<img src="../assets/small.png" alt="the same" loading="lazy">'),
    }


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module's browser tests."""
    reason = None
    try:
        path = site_check.find_browser()
    except CommandError as err:
        path, reason = None, str(err)
    if path is None:
        reason = reason or (f"no Chromium found: {site_check.INSTALL_HINT}")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright is not installed (the site extra; nox -s env installs it)"
    if reason is not None:
        if site_check.in_ci():
            pytest.fail(f"CI is set and the site check cannot run: {reason}")
        pytest.skip(reason)
    with site_check.launch(path) as launched:
        yield launched


def check(root: pathlib.Path, browser, **kwargs) -> list[str]:
    report = site_check.check_site(root, browser=browser, content=False, **kwargs)
    return [str(problem) for problem in report.problems]


# ---------------------------------------------------------------------------------------------
# In the browser


def test_a_clean_site_passes(tmp_path, browser):
    site = write_site(tmp_path, clean_pages())
    png(site / "assets" / "small.png", 40)
    report = site_check.check_site(site, browser=browser, content=False)
    assert report.problems == []
    assert report.pages == 2
    assert report.file_pages == 1  # index.html, again from file://


def test_a_broken_link_names_page_and_target(tmp_path, browser):
    pages = clean_pages()
    pages["step/01.html"] = pages["step/01.html"].replace("../index.html", "../step/99.html")
    site = write_site(tmp_path, pages)
    png(site / "assets" / "small.png", 40)
    assert check(site, browser) == [
        "step/01.html: broken link '../step/99.html': no step/99.html in the site"]


def test_a_missing_anchor_names_page_target_and_id(tmp_path, browser):
    pages = clean_pages()
    pages["index.html"] = pages["index.html"].replace("#changes", "#chnages")
    site = write_site(tmp_path, pages)
    png(site / "assets" / "small.png", 40)
    assert check(site, browser) == [
        "index.html: broken anchor 'step/01.html#chnages': step/01.html has no id 'chnages'"]


def test_a_missing_anchor_on_the_same_page(tmp_path, browser):
    site = write_site(tmp_path, {"a.html": html('<a href="#below">down</a>')})
    assert check(site, browser) == ["a.html: broken anchor '#below': a.html has no id 'below'"]


def test_console_and_script_errors_are_reported(tmp_path, browser):
    site = write_site(tmp_path, {
        "index.html": html("<p>fine</p>"),
        "bad.html": html("<script>console.error('the matrix is empty');\n"
                         "throw new Error('boom in bad.html');</script>"),
    })
    problems = check(site, browser)
    assert "bad.html: console error: the matrix is empty" in problems
    assert "bad.html: script error: boom in bad.html" in problems
    assert not [p for p in problems if p.startswith("index.html")]


def test_a_missing_stylesheet_is_a_console_error_naming_the_file(tmp_path, browser):
    site = write_site(tmp_path, {"a.html": html(
        "<p>x</p>", head='<link rel="stylesheet" href="assets/gone.css">')})
    [problem] = check(site, browser)
    assert problem.startswith("a.html: console error: Failed to load resource")
    assert problem.endswith("(assets/gone.css)")


def test_an_image_wider_than_2000_px(tmp_path, browser):
    site = write_site(tmp_path, {"a.html": html('<img src="wide.png" alt="a wide graph">'
                                                '<img src="ok.png" alt="just fits">')})
    png(site / "wide.png", 2001)
    png(site / "ok.png", 2000)
    assert check(site, browser) == ["a.html: image wide.png is 2001 px wide (at most 2000)"]


def test_an_image_that_does_not_load(tmp_path, browser):
    site = write_site(tmp_path, {"a.html": html('<img src="gone.png" alt="gone">')})
    problems = check(site, browser)
    assert "a.html: image gone.png does not load" in problems
    assert any(p.startswith("a.html: console error: Failed to load resource") for p in problems)


def test_a_page_without_lang(tmp_path, browser):
    site = write_site(tmp_path, {"a.html": html("<p>x</p>"),
                                 "b.html": html("<p>x</p>", lang=None),
                                 "c.html": html("<p>x</p>", lang="")})
    assert check(site, browser) == ["b.html: <html> has no lang attribute",
                                    "c.html: <html> has no lang attribute"]


def test_an_image_without_alt_text(tmp_path, browser):
    site = write_site(tmp_path, {"a.html": html('<img src="p.png" alt="fine">'
                                                '<img src="p.png">'
                                                '<img src="q.png" alt=" ">')})
    png(site / "p.png", 10)
    png(site / "q.png", 10)
    assert check(site, browser) == ["a.html: image p.png has no alt text",
                                    "a.html: image q.png has no alt text"]


def test_a_request_out_of_the_site_is_reported(tmp_path, browser):
    site = write_site(tmp_path, {"a.html": html(
        "<p>x</p>", head='<script src="https://cdn.example.com/lib.js"></script>')})
    problems = check(site, browser)
    assert ("a.html: requests https://cdn.example.com/lib.js from outside the site "
            "(it must work offline)") in problems


def test_a_root_absolute_link_breaks_from_file(tmp_path, browser):
    """/step/01.html works on the local server, not from file:// (nor under a Pages prefix)."""
    pages = clean_pages()
    pages["index.html"] = pages["index.html"].replace('"step/01.html#changes"',
                                                      '"/step/01.html#changes"')
    site = write_site(tmp_path, pages)
    png(site / "assets" / "small.png", 40)
    assert check(site, browser) == [
        "index.html (file://): link '/step/01.html#changes' leads out of the site folder"]


def test_content_keyboard_and_screenshots(tmp_path, browser):
    """The study site's own checks on a miniature of it: 60 step pages, 17 and 32 with their
    changes, arrow keys between steps, and three screenshots."""
    keys = ("<script>document.addEventListener('keydown', e => {"
            " if (e.key === 'ArrowRight') location.href = '{next}';"
            " if (e.key === 'ArrowLeft') location.href = '{prev}'; });</script>")
    pages = {"index.html": html("\n".join(f'<a href="step/{n:02d}.html">step {n}</a>'
                                          for n in range(1, 61))),
             "matrix.html": html("<table><tr><td>grid</td></tr></table>")}
    for n in range(1, 61):
        nav = keys.replace("{next}", f"{n + 1:02d}.html").replace("{prev}", f"{n - 1:02d}.html")
        pages[f"step/{n:02d}.html"] = html(f"<h1>step {n}</h1>{nav}")
    site = write_site(tmp_path / "site", pages)
    # Steps 17 and 32 say nothing about their changes, and step 17 has no arrow keys.
    step17 = pages["step/17.html"]
    (site / "step/17.html").write_text(html("<h1>step 17</h1>"))
    report = site_check.check_site(site, browser=browser)
    assert [str(p) for p in report.problems] == [
        "step/17.html: its diff does not mention weakref",
        "step/17.html: does not show the weakref-outputs capability",
        "step/32.html: its diff does not show core.py",
        "step/17.html: ArrowRight does not lead to step/18.html (the page stays at step/17.html)",
        "step/17.html: ArrowLeft does not lead to step/16.html (the page stays at step/17.html)",
    ]
    (site / "step/17.html").write_text(step17.replace(
        "<h1>step 17</h1>", '<h1>step 17</h1><pre class="diff">+import weakref</pre>'
                            "<p>present weakref-outputs</p>"))
    (site / "step/32.html").write_text(pages["step/32.html"].replace(
        "<h1>step 32</h1>", '<h1>step 32</h1><div class="diff">dezero/core.py: added, '
                            "made from core_simple.py</div>"))
    report = site_check.check_site(site, browser=browser, screenshots=tmp_path / "shots")
    assert [str(p) for p in report.problems] == []
    assert sorted(p.name for p in report.screenshots) == ["index.png", "matrix.png",
                                                          "step-17.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in report.screenshots)


def test_the_command_exits_1_and_prints_page_problem_lines(tmp_path, browser, capsys,
                                                          monkeypatch):
    site = write_site(tmp_path, {"a.html": html("<p>x</p>", lang=None)})
    # One Playwright per process at a time: the command drives the module's browser.
    monkeypatch.setattr(site_check, "launch", lambda path: contextlib.nullcontext(browser))
    status = cli.main(["site-check", str(site), "--no-content",
                       "--browser", site_check.find_browser()])
    out, err = capsys.readouterr()
    assert status == 1
    assert out.splitlines() == ["a.html: <html> has no lang attribute"]
    assert "1 page" in err and "1 problem" in err


# ---------------------------------------------------------------------------------------------
# Without a browser


def test_no_site_folder_is_bad_input(tmp_path, capsys):
    assert cli.main(["site-check", str(tmp_path / "nowhere")]) == 2
    assert "no site folder" in capsys.readouterr().err


def test_no_browser_says_to_install_chromium(tmp_path, capsys, monkeypatch):
    write_site(tmp_path, {"a.html": html("x")})
    monkeypatch.setattr(site_check, "find_browser", lambda explicit=None: None)
    assert cli.main(["site-check", str(tmp_path)]) == 2
    assert "apt-get install chromium" in capsys.readouterr().err


def test_a_browser_path_that_is_not_there_is_bad_input(tmp_path, capsys):
    write_site(tmp_path, {"a.html": html("x")})
    assert cli.main(["site-check", str(tmp_path), "--browser", str(tmp_path / "chrome")]) == 2
    assert "no browser at" in capsys.readouterr().err


def test_find_browser_order():
    def which(name):
        return {"chromium-browser": "/usr/bin/chromium-browser", "mine": "/opt/mine"}.get(name)

    assert site_check.find_browser(None, {}, which) == "/usr/bin/chromium-browser"
    assert site_check.find_browser(None, {}, {"google-chrome": "/usr/bin/google-chrome",
                                             "chromium": "/usr/bin/chromium"}.get) == (
        "/usr/bin/chromium")
    assert site_check.find_browser(None, {site_check.BROWSER_ENV: "mine"}, which) == "/opt/mine"
    with pytest.raises(CommandError, match="no browser at /nowhere/chromium"):
        site_check.find_browser("/nowhere/chromium", {}, lambda name: None)
    assert site_check.find_browser(None, {}, lambda name: None) is None


def test_link_target_and_resolve_file(tmp_path):
    root = "http://127.0.0.1:8000/"
    target = site_check.link_target("http://127.0.0.1:8000/step/17.html#a%20b", root)
    assert target == site_check.Target("step/17.html", "a b")
    assert site_check.link_target("https://example.com/", root) is None
    assert site_check.link_target("mailto:x@example.com", root) is None
    file_root = tmp_path.as_uri() + "/"
    assert site_check.link_target("file:///step/1.html", file_root).path is None
    write_site(tmp_path, {"index.html": "", "step/index.html": "", "step/17.html": ""})
    assert site_check.resolve_file(tmp_path, "") == "index.html"
    assert site_check.resolve_file(tmp_path, "step") == "step/index.html"
    assert site_check.resolve_file(tmp_path, "step/") == "step/index.html"
    assert site_check.resolve_file(tmp_path, "step/18.html") is None
    assert site_check.resolve_file(tmp_path, "../index.html") is None


def test_content_problems_read_the_collected_text():
    index = PageFacts("index.html", "", links=[
        {"raw": f"step/{n}.html", "url": f"http://h/step/{n}.html"} for n in range(2, 61)])
    step32 = PageFacts("step/32.html", "", diff_text="core.py",
                       text="core_simple.py -> core.py: higher-order derivatives")
    problems = site_check.content_problems({"index.html": index, "step/32.html": step32})
    assert problems == [
        Problem("matrix.html", "page missing"),
        Problem("step/17.html", "page missing"),
        Problem("step/18.html", "page missing"),
        Problem("index.html", "links 59 of the 60 steps' pages; missing: 1"),
    ]


@pytest.mark.parametrize("text, arrives", [
    ("dezero/core.py made from dezero/core_simple.py +120 −3", True),
    ("dezero/core.py added +400 −0", True),
    ("core_simple.py -> core.py", True),
    ("dezero/core.py modified +2 −1", False),
])
def test_core_py_arriving(text, arrives):
    step32 = PageFacts("step/32.html", "", diff_text=text, text=text)
    problems = site_check.content_problems({"step/32.html": step32})
    assert (Problem("step/32.html", "does not say that core.py arrives (added, or made from "
                    "core_simple.py)") not in problems) == arrives
