"""site-check: the built study site, checked in a real browser.

    python -m tools site-check [SITE] [--screenshots DIR] [--browser PATH] [--no-content]

Chromium from the distribution's packages (`apt-get install chromium`), driven by Playwright
for Python (the `site` extra) through `executable_path`; Playwright's own browser download is
never used. The site folder (default `site`, what `python -m tools site --out site` writes)
is served by a local threaded `http.server` on 127.0.0.1 and every `.html` page in it is
loaded; a few pages (index, step 17, matrix) are loaded again from `file://`, as someone who
opens the folder without a server sees them. A page fails on

    - any console error or uncaught script error, any request outside the site (the site
      must work offline: no CDN, no web font);
    - an internal `<a href>` whose page or file does not exist, or whose `#fragment` names
      no `id` (nor `a[name]`) on its target page; a link that leaves the site folder;
    - an `<img>` that does not load (naturalWidth 0), or is wider than 2,000 px, or has no
      (or an empty) alt text;
    - an `<html>` without a `lang`.

With the content checks (the default; `--no-content` leaves them out, for other sites):
index.html links all 60 steps' pages, step/17.html's diff mentions weakref and the page shows
the `weakref-outputs` capability, step/32.html shows core.py arriving (made from
core_simple.py), and ArrowRight on step 17's page goes to step 18's (ArrowLeft to 16's).

Screenshots of index, step 17 and matrix (full page, PNG) go to `--screenshots DIR`.

Every problem is one `page: problem` line. Exit status 0 clean, 1 problems, 2 bad input (no
site folder, no pages, no browser, no Playwright).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import os
import pathlib
import re
import shutil
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator

from tools.common import Command, CommandError, plural

# Where the browser comes from: --browser, this variable, else the first of these on PATH:
# the distribution's Chromium, else a Google Chrome (GitHub's Ubuntu runners have one, and
# Ubuntu's own chromium is a snap).
BROWSER_ENV = "SITE_CHECK_BROWSER"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("install the distribution's Chromium (Debian/Ubuntu: apt-get install chromium), "
                f"or name a Chromium with --browser PATH or {BROWSER_ENV}=PATH")

MAX_IMAGE_WIDTH = 2000
STEPS = 60
# Pages loaded again from file://, and the pages screenshotted (those the site has).
FILE_PAGES = ("index.html", "step/17.html", "matrix.html")
SCREENSHOT_PAGES = ("index.html", "step/17.html", "matrix.html")
# Pages the content checks need.
REQUIRED_PAGES = ("index.html", "matrix.html", "step/17.html", "step/18.html", "step/32.html")
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000
# How long a page may take to follow an arrow key to the next step.
KEY_TIMEOUT_MS = 3_000
# A fragment the browser honours without any element: the top of the page.
IMPLICIT_FRAGMENTS = ("", "top")
# URLs that never leave the machine, besides the site's own.
LOCAL_SCHEMES = ("data:", "blob:", "about:")


@dataclasses.dataclass(frozen=True)
class Problem:
    page: str
    problem: str

    def __str__(self) -> str:
        return f"{self.page}: {self.problem}"


@dataclasses.dataclass
class PageFacts:
    """What the browser saw on one page (see COLLECT_JS for the fields it fills)."""

    page: str
    url: str
    lang: str | None = None
    links: list[dict] = dataclasses.field(default_factory=list)
    images: list[dict] = dataclasses.field(default_factory=list)
    ids: set[str] = dataclasses.field(default_factory=set)
    text: str = ""
    diff_text: str = ""
    console_errors: list[str] = dataclasses.field(default_factory=list)
    script_errors: list[str] = dataclasses.field(default_factory=list)
    external_requests: list[str] = dataclasses.field(default_factory=list)
    load_error: str | None = None


# ---------------------------------------------------------------------------------------------
# Finding the browser and the pages


def find_browser(explicit: str | None = None, environ=os.environ, which=shutil.which) -> str | None:
    """The Chromium to drive: `explicit`, else $SITE_CHECK_BROWSER, else one on PATH."""
    for candidate in (explicit, environ.get(BROWSER_ENV)):
        if candidate:
            found = which(candidate) or (candidate if pathlib.Path(candidate).is_file() else None)
            if found is None:
                raise CommandError(f"no browser at {candidate}; {INSTALL_HINT}", status=2)
            return found
    for name in BROWSER_NAMES:
        found = which(name)
        if found:
            return found
    return None


def in_ci(environ=os.environ) -> bool:
    """Whether this runs in CI (CI set, not to 0 or false): there a missing browser fails."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def html_pages(site: pathlib.Path) -> list[str]:
    """Every .html file under the site folder, as site-relative POSIX paths, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.is_file())


# ---------------------------------------------------------------------------------------------
# Links


@dataclasses.dataclass(frozen=True)
class Target:
    """Where an internal link leads: a site-relative path (None: out of the site folder)."""

    path: str | None
    fragment: str


def link_target(url: str, root: str) -> Target | None:
    """Where a resolved link URL leads within the site served at `root` (ends with '/').

    None for a link to elsewhere (another host, mailto:, javascript:, ...). A link on the
    site's own scheme and host that is not under `root` (a file:// link above the folder,
    an absolute /path under file://) is a Target with path None.
    """
    parts = urllib.parse.urlsplit(url)
    base = urllib.parse.urlsplit(root)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    fragment = urllib.parse.unquote(parts.fragment)
    path = urllib.parse.unquote(parts.path)
    base_path = urllib.parse.unquote(base.path)
    if not path.startswith(base_path):
        return Target(None, fragment)
    return Target(path[len(base_path):], fragment)


def resolve_file(site: pathlib.Path, path: str) -> str | None:
    """The site-relative file a path names (a folder means its index.html), or None."""
    if path == "" or path.endswith("/"):
        path += "index.html"
    candidate = site / path
    if candidate.is_dir():
        path = path.rstrip("/") + "/index.html"
        candidate = site / path
    try:
        candidate.resolve().relative_to(site.resolve())
    except ValueError:
        return None
    return pathlib.PurePosixPath(path).as_posix() if candidate.is_file() else None


def link_problems(facts: PageFacts, root: str, site: pathlib.Path,
                  ids_by_page: dict[str, set[str]]) -> list[Problem]:
    """Broken internal links and anchors on one page (each reported once)."""
    found: list[str] = []
    for link in facts.links:
        target = link_target(link["url"], root)
        if target is None:
            continue
        raw = link["raw"]
        if target.path is None:
            found.append(f"link {raw!r} leads out of the site folder")
            continue
        file = resolve_file(site, target.path)
        if file is None:
            found.append(f"broken link {raw!r}: no {target.path or 'index.html'} in the site")
        elif (file.endswith(".html") and target.fragment not in IMPLICIT_FRAGMENTS
              and target.fragment not in ids_by_page.get(file, set())):
            found.append(f"broken anchor {raw!r}: {file} has no id {target.fragment!r}")
    return [Problem(facts.page, text) for text in dict.fromkeys(found)]


# ---------------------------------------------------------------------------------------------
# Images, lang, errors


def image_problems(facts: PageFacts) -> list[Problem]:
    """Images that do not load, are wider than MAX_IMAGE_WIDTH or have no alt text."""
    found: list[str] = []
    for image in facts.images:
        src = image["src"] or "(no src)"
        if not (image["alt"] or "").strip():
            found.append(f"image {src} has no alt text")
        width = image["width"]
        svg_without_size = image["complete"] and src.lower().split("?")[0].endswith(".svg")
        if width == 0 and not svg_without_size:
            found.append(f"image {src} does not load")
        elif width > MAX_IMAGE_WIDTH:
            found.append(f"image {src} is {width} px wide (at most {MAX_IMAGE_WIDTH})")
    return [Problem(facts.page, text) for text in dict.fromkeys(found)]


def lang_problems(facts: PageFacts) -> list[Problem]:
    if not (facts.lang or "").strip():
        return [Problem(facts.page, "<html> has no lang attribute")]
    return []


def error_problems(facts: PageFacts) -> list[Problem]:
    """Console errors, uncaught script errors, requests out of the site, a failed load."""
    found = [f"does not load: {facts.load_error}"] if facts.load_error else []
    found += [f"console error: {text}" for text in facts.console_errors]
    found += [f"script error: {text}" for text in facts.script_errors]
    found += [f"requests {url} from outside the site (it must work offline)"
              for url in facts.external_requests]
    return [Problem(facts.page, text) for text in dict.fromkeys(found)]


def page_problems(facts: PageFacts, root: str, site: pathlib.Path,
                  ids_by_page: dict[str, set[str]]) -> list[Problem]:
    """Everything wrong with one visited page that needs no knowledge of this project."""
    return (error_problems(facts) + lang_problems(facts) + image_problems(facts)
            + link_problems(facts, root, site, ids_by_page))


# ---------------------------------------------------------------------------------------------
# What this project's site must show


STEP_LINK = re.compile(r"(?:^|/)step/(\d+)\.html$")
# core.py arriving: added, new, or made (copied, renamed) from core_simple.py, either way round.
CORE_ARRIVES = re.compile(
    r"core\.py.{0,200}?(\badded\b|\bnew\b|\barrives\b|from \S*core_simple\.py|copied|renamed)"
    r"|(\badded\b|\bnew\b|\barrives\b|core_simple\.py\s*(→|->|to))[^.]{0,200}?core\.py",
    re.IGNORECASE | re.DOTALL)


def content_problems(facts_by_page: dict[str, PageFacts]) -> list[Problem]:
    """The study site's own content: all steps listed, steps 17 and 32 show their change."""
    found = [Problem(page, "page missing") for page in REQUIRED_PAGES
             if page not in facts_by_page]
    index = facts_by_page.get("index.html")
    if index is not None:
        linked = set()
        for link in index.links:
            match = STEP_LINK.search(urllib.parse.urlsplit(link["url"]).path)
            if match:
                linked.add(int(match.group(1)))
        missing = [n for n in range(1, STEPS + 1) if n not in linked]
        if missing:
            found.append(Problem("index.html", f"links {STEPS - len(missing)} of the {STEPS} "
                                 f"steps' pages; missing: {', '.join(map(str, missing))}"))
    step17 = facts_by_page.get("step/17.html")
    if step17 is not None:
        if "weakref" not in step17.diff_text:
            found.append(Problem(step17.page, "its diff does not mention weakref"))
        if "weakref-outputs" not in step17.text:
            found.append(Problem(step17.page, "does not show the weakref-outputs capability"))
    step32 = facts_by_page.get("step/32.html")
    if step32 is not None:
        if "core.py" not in step32.diff_text:
            found.append(Problem(step32.page, "its diff does not show core.py"))
        elif not CORE_ARRIVES.search(step32.text):
            found.append(Problem(step32.page, "does not say that core.py arrives "
                                 "(added, or made from core_simple.py)"))
    return found


# ---------------------------------------------------------------------------------------------
# The local server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # The browser moving on to the next page closes connections mid-answer; that is
        # no problem of the site's. Anything else is reported as the base class does.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(site: pathlib.Path) -> Iterator[str]:
    """Serve the folder on 127.0.0.1 (a free port, a thread); yields the root URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ---------------------------------------------------------------------------------------------
# The browser

# Runs in the page once it has loaded: lazy images are made eager and awaited (at most 10 s),
# then everything the checks read is collected.
COLLECT_JS = """
async () => {
  const images = [...document.images];
  const loads = images.map(img => {
    if (img.loading === 'lazy') img.loading = 'eager';
    return img.decode().catch(() => null);
  });
  await Promise.race([Promise.all(loads), new Promise(done => setTimeout(done, 10000))]);
  const text = el => (el && el.textContent) || '';
  const diffs = document.querySelectorAll('[class*="diff"], [id*="diff"], pre');
  return {
    lang: document.documentElement.getAttribute('lang'),
    links: [...document.querySelectorAll('a[href]')].map(a => ({raw: a.getAttribute('href'),
                                                                  url: a.href})),
    images: images.map(img => ({src: img.getAttribute('src'), alt: img.getAttribute('alt'),
                                complete: img.complete, width: img.naturalWidth})),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id)
          .concat([...document.querySelectorAll('a[name]')].map(a => a.name)),
    text: text(document.body),
    diff_text: [...diffs].map(text).join('\\n'),
  };
}
"""


def import_playwright():
    """playwright.sync_api, or a CommandError (2) saying how to get it."""
    try:
        from playwright import sync_api
    except ImportError as err:
        raise CommandError(
            "site-check needs Playwright for Python, which this Python cannot import; run it "
            "with .nox/env/bin/python (nox -s env installs the site extra) or pip install "
            f"playwright ({err})", status=2) from err
    return sync_api


@contextlib.contextmanager
def launch(browser_path: str) -> Iterator:
    """A headless Chromium at `browser_path`, driven by Playwright."""
    sync_api = import_playwright()
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=browser_path, headless=True)
        except sync_api.Error as err:
            raise CommandError(f"cannot start the browser {browser_path}: "
                               f"{str(err).splitlines()[0]}", status=2) from err
        try:
            yield browser
        finally:
            browser.close()


def _relative(url: str, roots: Iterable[str]) -> str:
    for root in roots:
        if url.startswith(root):
            return url[len(root):]
    return url


def external_pattern(roots: tuple[str, ...]) -> re.Pattern:
    """A URL pattern for every request that leaves the machine (none of the roots)."""
    local = "|".join(re.escape(prefix) for prefix in roots + LOCAL_SCHEMES)
    return re.compile(f"^(?!{local})")


class Visitor:
    """Loads pages one after another in one tab (a new tab costs more than the page) and
    collects what the checks need; the tab's events go to the page being visited."""

    def __init__(self, context, roots: tuple[str, ...]):
        self.roots = roots
        self.facts = PageFacts(page="", url="")
        self.tab = context.new_page()
        self.tab.on("console", self._console)
        self.tab.on("pageerror", lambda error: self.facts.script_errors.append(
            str(getattr(error, "message", error)).splitlines()[0]))
        self.tab.on("request", self._request)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        where = (message.location or {}).get("url") or ""
        if where and where != self.facts.url:
            text += f" ({_relative(where, self.roots)})"
        self.facts.console_errors.append(text)

    def _request(self, request) -> None:
        if not request.url.startswith(self.roots + LOCAL_SCHEMES):
            self.facts.external_requests.append(request.url)

    def visit(self, page_name: str, url: str) -> PageFacts:
        facts = self.facts = PageFacts(page=page_name, url=url)
        try:
            response = self.tab.goto(url, wait_until="load")
            if response is not None and not response.ok:
                facts.load_error = f"HTTP {response.status}"
                return facts
            data = self.tab.evaluate(COLLECT_JS)
        except Exception as err:  # a Playwright error or timeout: the page's problem, reported
            facts.load_error = str(err).splitlines()[0]
            return facts
        facts.lang = data["lang"]
        facts.links = data["links"]
        facts.images = data["images"]
        facts.ids = set(data["ids"])
        facts.text = data["text"]
        facts.diff_text = data["diff_text"]
        return facts

    def close(self) -> None:
        self.tab.close()


def keyboard_problems(tab, root: str) -> list[Problem]:
    """ArrowRight on step 17's page leads to step 18's, ArrowLeft to step 16's."""
    found = []
    for key, expected in (("ArrowRight", "step/18.html"), ("ArrowLeft", "step/16.html")):
        tab.goto(root + "step/17.html", wait_until="load")
        tab.keyboard.press(key)
        try:
            tab.wait_for_url(root + expected, timeout=KEY_TIMEOUT_MS)
        except Exception:
            where = _relative(tab.url, (root,))
            found.append(Problem("step/17.html", f"{key} does not lead to {expected} "
                                 f"(the page stays at {where})"))
    return found


def take_screenshots(tab, root: str, pages: Iterable[str],
                     out: pathlib.Path) -> list[pathlib.Path]:
    """A full-page PNG of each page, named after it (step/17.html -> step-17.png)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in pages:
        tab.goto(root + name, wait_until="load")
        tab.evaluate(COLLECT_JS)  # lazy images loaded
        path = out / (name.removesuffix(".html").replace("/", "-") + ".png")
        tab.screenshot(path=str(path), full_page=True)
        written.append(path)
    return written


@dataclasses.dataclass
class Report:
    problems: list[Problem]
    pages: int
    file_pages: int
    screenshots: list[pathlib.Path]
    seconds: float


def check_site(site: pathlib.Path, *, browser=None, browser_path: str | None = None,
               content: bool = True, screenshots: pathlib.Path | None = None) -> Report:
    """Check every page of a built site; `browser`: a launched Playwright Browser to reuse,
    else one is launched from `browser_path`."""
    start = time.monotonic()
    site = site.resolve()
    names = html_pages(site)
    if not names:
        raise CommandError(f"no .html pages in {site}", status=2)
    if browser is None:
        if browser_path is None:
            raise CommandError(f"no Chromium found; {INSTALL_HINT}", status=2)
        with launch(browser_path) as launched:
            return check_site(site, browser=launched, content=content, screenshots=screenshots)
    file_root = site.as_uri() + "/"
    with serve(site) as root:
        roots = (root, file_root)
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        # Nothing may leave the machine: requests elsewhere fail at once (and are reported).
        # A pattern, not a Python predicate, so the site's own requests never wait for Python.
        context.route(external_pattern(roots), lambda route: route.abort())
        try:
            visitor = Visitor(context, roots)
            facts = {name: visitor.visit(name, root + name) for name in names}
            ids_by_page = {name: f.ids for name, f in facts.items()}
            problems = [p for name in names
                        for p in page_problems(facts[name], root, site, ids_by_page)]
            file_names = [name for name in FILE_PAGES if name in facts]
            for name in file_names:
                seen = {p.problem for p in problems if p.page == name}
                local = visitor.visit(f"{name} (file://)", file_root + name)
                problems += [p for p in page_problems(local, file_root, site, ids_by_page)
                             if p.problem not in seen]
            if content:
                problems += content_problems(facts)
                if "step/17.html" in facts:
                    problems += keyboard_problems(visitor.tab, root)
            shots = []
            if screenshots is not None:
                shots = take_screenshots(visitor.tab, root,
                                         [n for n in SCREENSHOT_PAGES if n in facts], screenshots)
        finally:
            context.close()
    return Report(problems, len(names), len(file_names), shots, time.monotonic() - start)


# ---------------------------------------------------------------------------------------------
# The command


def run(args) -> int:
    site = pathlib.Path(args.site)
    if not site.is_dir():
        raise CommandError(f"no site folder at {site}; build it with "
                           f"python -m tools site --out {site}", status=2)
    browser_path = find_browser(args.browser)
    if browser_path is None:
        raise CommandError(f"no Chromium found (looked for {', '.join(BROWSER_NAMES)} on PATH "
                           f"and {BROWSER_ENV}); {INSTALL_HINT}", status=2)
    screenshots = pathlib.Path(args.screenshots) if args.screenshots else None
    report = check_site(site, browser_path=browser_path, content=not args.no_content,
                        screenshots=screenshots)
    for problem in report.problems:
        print(problem)
    for path in report.screenshots:
        print(f"screenshot: {path}")
    verdict = plural(len(report.problems), "problem") if report.problems else "no problems"
    print(f"site-check: {plural(report.pages, 'page')} (and {report.file_pages} from file://) "
          f"in {browser_path}, {report.seconds:.1f} s: {verdict}",
          file=sys.stderr if report.problems else sys.stdout)
    return 1 if report.problems else 0


def add_arguments(parser) -> None:
    parser.add_argument("site", nargs="?", default="site",
                        help="the built site folder (default: site)")
    parser.add_argument("--screenshots", metavar="DIR",
                        help="write full-page PNGs of index, step 17 and matrix here")
    parser.add_argument("--browser", metavar="PATH",
                        help=f"the Chromium to drive (default: ${BROWSER_ENV}, else "
                             f"{' or '.join(BROWSER_NAMES)} on PATH)")
    parser.add_argument("--no-content", action="store_true",
                        help="only the generic checks: leave out this project's content and "
                             "keyboard checks")


COMMANDS = (
    Command("site-check", "check the built study site in a real browser (Chromium)", run,
            add_arguments=add_arguments, description=__doc__),
)
