"""The shared suite's harness: which `dezero` to test, as which step, and the reports.

    pytest shared_tests --stage 17                  # stages/step17, graded as step 17
    pytest shared_tests --stage 17 --impl my_code   # my_code/dezero (or dezero.py) as step 17
    DEZERO_STAGE=17 pytest shared_tests             # the same as --stage 17

`--stage` takes a step of the book: a step without code (5, 15, ...) runs the stage before it.

The chosen folder goes first on sys.path before any test module imports `dezero`.
Every test names its capability (`@pytest.mark.capability("weakref-outputs")`); the
capability table (dezero_stages/capabilities.py) decides whether it runs on this step, and
the results are summed up per capability at the end (and written as JSON with
--capability-json, in the schema of dezero_stages/report.py).
"""

from __future__ import annotations

import collections
import contextlib
import os
import pathlib
import signal
import sys

import pytest

from dezero_stages import capabilities, learner, registry
from dezero_stages import report as report_format
from dezero_stages.impl import ImplNotFoundError, Target, locate

from . import adapter, book_defects
from .localserver import Server

# A test of --impl code that runs longer than this is stopped and named (--test-timeout).
TEST_TIME_LIMIT = 60.0

def pytest_addoption(parser):
    group = parser.getgroup("dezero-stages")
    group.addoption("--stage", type=registry.stage_argument, default=None, metavar="N",
                    help="the step of the book to check, 1-60 or final (stages/stepNN or "
                         "stages/final unless --impl is given; a step without code runs the "
                         "stage before it). "
                         "Default: the DEZERO_STAGE environment variable")
    group.addoption("--impl", default=None, metavar="PATH",
                    help="test this dezero as step N: a folder holding a dezero package or "
                         "dezero.py, the dezero/ folder itself, or the dezero.py file")
    group.addoption("--capability-json", default=None, metavar="FILE",
                    help="write the per-capability results as JSON")
    group.addoption("--no-capability-report", action="store_true",
                    help="do not print the capability report at the end")
    group.addoption("--strict-grading", action="store_true",
                    help="with --impl: a known defect of the book's own code fails too")
    group.addoption("--alias", action="append", default=[], metavar="OLD=NEW",
                    help="with --impl: the code spells the book's OLD as NEW (cleargrad="
                         "clear_grad); grade it under that spelling (repeatable)")
    group.addoption("--test-timeout", type=float, default=TEST_TIME_LIMIT, metavar="SECONDS",
                    help="with --impl: stop a test that runs longer, naming it (default: "
                         f"{TEST_TIME_LIMIT:g})")
    group.addoption("--as-stage", action="store_true",
                    help="with --impl: grade the code as this project's stage N (a copy of "
                         "stages/stepNN): its conventions count and nothing is excused")


def _find_impl(path: str) -> Target:
    try:
        return locate(path)
    except ImplNotFoundError as err:
        raise pytest.UsageError(f"--impl {path}: {err}") from None


def _select(config) -> tuple[int, int | None, Target]:
    """(graded step, stage number or None, what to import as dezero)."""
    step = config.getoption("--stage")
    if step is None and os.environ.get("DEZERO_STAGE"):
        try:
            step = registry.parse(os.environ["DEZERO_STAGE"])
        except ValueError as err:
            raise pytest.UsageError(f"DEZERO_STAGE: {err}") from None
    impl = config.getoption("--impl")
    if step is None:
        valid = registry.describe_ranges(registry.session_steps())
        raise pytest.UsageError(f"say which step to check: --stage N (valid stages: {valid})")
    if impl is not None:
        # A learner's code is graded only against steps the suite has tests for (no stage
        # folder needed: an installed copy has none).
        gradable = registry.gradable_steps()
        if step not in gradable:
            raise pytest.UsageError(
                f"unknown step {registry.label(step)}: the suite can grade steps "
                f"{registry.describe_ranges(gradable)}"
            )
        # --as-stage: a (broken) copy of a stage, graded as that stage would be.
        stage = step if config.getoption("--as-stage") else None
        return step, stage, _find_impl(impl)
    try:
        stage, folder = registry.resolve(step)
    except registry.UnknownStageError as err:
        raise pytest.UsageError(str(err)) from None
    return step, stage, Target(folder)


def _aliases(config) -> dict[str, str]:
    aliases = {}
    for text in config.getoption("--alias"):
        old, sep, new = text.partition("=")
        if not sep or not old.isidentifier() or not new.isidentifier():
            raise pytest.UsageError(f"--alias {text}: write the book's name, '=', and your "
                                    "spelling of it (--alias cleargrad=clear_grad)")
        aliases[old] = new
    return aliases


def _import_dezero(target: Target) -> tuple[object, list[learner.Skipped]]:
    """The dezero to test, and the statements of a step file's script that were skipped.

    Raises learner.LoadError where --impl code cannot be imported."""
    # A dezero imported earlier (another stage, an installed copy) must not leak in.
    for name in [m for m in sys.modules if m == "dezero" or m.startswith("dezero.")]:
        del sys.modules[name]
    if target.file is not None:  # one step file (or a dezero.py): its definitions only
        loaded = learner.load_file(target.file)
        return loaded.module, loaded.skipped
    sys.path.insert(0, str(target.folder))
    try:
        import dezero
    except Exception as err:  # noqa: BLE001 - the learner's package failed to import
        raise learner.load_error(err, target.folder / "dezero", [target.folder]) from None
    where = pathlib.Path(dezero.__file__).resolve()
    if target.folder not in where.parents:
        raise pytest.UsageError(f"imported dezero from {where}, expected it under "
                                f"{target.folder}")
    return dezero, []


def pytest_configure(config):
    config.addinivalue_line("markers", "capability(name): the capability a test checks")
    config.addinivalue_line("markers", "convention(why): checks a convention of this "
                            "project's stages; not graded in --impl code")
    step, stage, target = _select(config)
    aliases = _aliases(config)
    state = _State(step, stage, target)
    state.strict = config.getoption("--strict-grading")
    state.aliases = aliases
    state.test_timeout = config.getoption("--test-timeout")
    config.stash[_STATE] = state
    try:
        dezero, state.skipped = _import_dezero(target)
    except learner.LoadError as err:
        # The report says so (the grader tells the learner where), and pytest stops.
        state.load_error = err.as_dict()
        _write_report(config, state, exitstatus=4)
        raise pytest.UsageError(f"your code failed to import: {err}") from None
    state.dezero_file = str(pathlib.Path(dezero.__file__).resolve())
    if stage is None:
        learner.apply_aliases(dezero, aliases)
    state.adapter = adapter.bind(dezero, step, stage)
    if stage is None:  # only code that is not ours is compared with the book's defects
        state.defects = book_defects.present_in(adapter, step)
    config.pluginmanager.register(_Recorder(state), "dezero-stages-recorder")


class _State:
    def __init__(self, step, stage, target: Target):
        self.step = step
        self.stage = stage
        self.target = target
        self.folder = target.folder
        self.roots = [target.folder.resolve()] + (
            learner.roots_of(target.file) if target.file is not None else [])
        self.dezero_file = str(target.shown)
        self.counts = collections.defaultdict(collections.Counter)
        self.failures = collections.defaultdict(list)
        self.skips = collections.defaultdict(list)
        self.strict = False
        self.aliases: dict[str, str] = {}
        self.skipped: list[learner.Skipped] = []
        self.load_error: dict | None = None
        self.test_timeout = TEST_TIME_LIMIT
        self.defects: list[book_defects.Defect] = []
        self.vehicles: set[str] = set()
        self.adapter = None


_STATE = pytest.StashKey[_State]()


def pytest_report_header(config):
    state = config.stash[_STATE]
    served = f"stage {state.stage}" if state.stage is not None else "--impl"
    return f"dezero-stages: step {state.step} ({served}): {state.dezero_file}"


def pytest_collection_modifyitems(config, items):
    state = config.stash[_STATE]
    problems, left_out = [], []
    for item in items:
        marker = item.get_closest_marker("capability")
        if marker is None or len(marker.args) != 1:
            problems.append(f"{item.nodeid}: no @pytest.mark.capability('name')")
            continue
        try:
            cap = capabilities.get(marker.args[0])
        except KeyError as err:
            problems.append(f"{item.nodeid}: {err.args[0]}")
            continue
        item.user_properties.append(("capability", cap.name))
        convention = cap.stage_only or item.get_closest_marker("convention") is not None
        if convention and state.stage is None:
            left_out.append(item)  # a convention of our stages: not graded in other code
            continue
        if cap.skip_reason(state.step) is not None:
            # Not this step's: the report says "arrives in step N" / "fixed in step M" from
            # the table, so the test is left out rather than run through pytest as a skip
            # (a skip costs as much as a small test, and most of the suite is not yet).
            left_out.append(item)
    if problems:
        raise pytest.UsageError(
            "every test must belong to one capability:\n  " + "\n  ".join(problems)
        )
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        keep = set(map(id, left_out))
        items[:] = [item for item in items if id(item) not in keep]


class _Recorder:
    """Counts test outcomes per capability (registered as a plugin by pytest_configure).

    Under xdist the reports reach the controller's hooks too, with their user_properties:
    a failure is classified where it happened (pytest_runtest_makereport, which sees the
    exception) and travels as properties.
    """

    def __init__(self, state: _State):
        self.state = state

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        name = props.get("capability")
        # Count each test once: its call, or the setup/teardown that skipped or broke it.
        if not name or (report.when != "call" and report.outcome == "passed"):
            return
        if props.get("vehicles"):
            self.state.vehicles.update(props["vehicles"].split(","))
        self.state.counts[name][report.outcome] += 1
        if report.outcome == "failed":
            facts = props.get("failure") or {}
            self.state.failures[name].append(report_format.Failure(
                report.nodeid, _crash_message(report), **facts))
        elif report.outcome == "skipped":
            self.state.skips[name].append(_skip_reason(report))


class TestTimeLimit(BaseException):
    """A test of --impl code ran longer than --test-timeout. A BaseException, so that code
    which catches Exception to go on (the learner's, or a test running every sample of an
    op-table row) cannot swallow it and run on without a limit."""


@contextlib.contextmanager
def _time_limit(seconds: float, test: str):
    """Stop the test after `seconds` (SIGALRM, where the system has it)."""
    if not seconds or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise TestTimeLimit(f"{test} ran longer than {seconds:g} s (the per-test limit, "
                            "--test-timeout)")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Discard:
    """stdout for the graded code's prints: counted, not kept (a backward that prints on
    every call would otherwise fill the capture of every test)."""

    encoding = "utf-8"

    def __init__(self):
        self.chars = 0

    def write(self, text):
        self.chars += len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # The adapter builds vehicles only outside the capability that introduces a function.
    state = item.config.stash[_STATE]
    state.adapter.CURRENT = dict(item.user_properties).get("capability")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    state = item.config.stash[_STATE]
    if state.stage is None:  # --impl code: its prints discarded, its time limited
        with contextlib.redirect_stdout(_Discard()), \
                _time_limit(state.test_timeout, item.nodeid):
            yield
    else:
        yield
    # Which vehicles the code needed so far; the report of this test carries it to the
    # controller under xdist.
    item.user_properties.append(("vehicles", ",".join(sorted(state.adapter.VEHICLES_BUILT))))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        state = item.config.stash[_STATE]
        report.user_properties.append(
            ("failure", _classify(state, item.nodeid, call.excinfo)))


def _in_roots(path: str, roots) -> bool:
    where = pathlib.Path(path).resolve()
    return any(root == where or root in where.parents for root in roots)


def _learner_frame(state: _State, excinfo) -> tuple[str | None, bool]:
    """(the graded code's innermost frame as "file:line in func", whether the exception
    was raised there rather than in the test)."""
    frame, last_is_learner = None, False
    for entry in excinfo.traceback:
        mine = _in_roots(str(entry.path), state.roots)
        if mine:
            frame = f"{entry.path}:{entry.lineno + 1} in {entry.name}"
        last_is_learner = mine
    return frame, last_is_learner


def _belongs_to_code(obj) -> bool:
    """Whether obj is the graded code's (its module, a class or an instance of one)."""
    module = obj.__name__ if isinstance(obj, type(sys)) else (
        getattr(obj, "__module__", None) if isinstance(obj, type) else
        getattr(type(obj), "__module__", None))
    return isinstance(module, str) and (module == "dezero" or module.startswith("dezero."))


def _classify(state: _State, test_id: str, excinfo) -> dict:
    """Why a test failed, as the report's Failure fields (kind, name, spelled, defect,
    frame, error). Stage code fails for real; --impl code may lack a name, spell it
    otherwise, share a known defect of the book, or run too long."""
    exc = excinfo.value
    frame, raised_in_code = _learner_frame(state, excinfo)
    facts = {"kind": "real", "frame": frame, "error": type(exc).__name__,
             "hint": learner.hint_for(exc) or None}
    if state.stage is not None:
        return facts
    if isinstance(exc, TestTimeLimit):
        return {**facts, "kind": "timeout"}
    if isinstance(exc, adapter.MissingName):
        return {**facts, "kind": "spelling" if exc.spelled else "missing", "name": exc.name,
                "spelled": exc.spelled}
    obj = getattr(exc, "obj", None)
    if (isinstance(exc, AttributeError) and not raised_in_code and exc.name
            and obj is not None and _belongs_to_code(obj)):
        # The test asked the code for a name it does not have (x.cleargrad(), dezero.Config).
        spelled = adapter.other_spelling(obj, exc.name)
        return {**facts, "kind": "spelling" if spelled else "missing", "name": exc.name,
                "spelled": spelled}
    for defect in state.defects:
        if defect.explains(test_id, exc):
            return {**facts, "kind": "book", "defect": defect.name}
    return facts


def _skip_reason(report) -> str:
    # A skip's longrepr is (file, line, "Skipped: reason").
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return "skipped"


def _crash_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    lines = str(report.longrepr).strip().splitlines()
    return lines[-1] if lines else "failed"


def _summarise(state: _State) -> list[report_format.CapabilityResult]:
    return report_format.summarise(state.step, state.counts, state.failures, state.skips,
                                   stage_code=state.stage is not None, strict=state.strict)


def _short_step(number: int) -> str:
    """'step  7' in the report's column; 'final' for the final package."""
    return registry.FINAL_NAME if number == registry.FINAL else f"step {number:>2}"


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _is_worker(config) or config.getoption("--no-capability-report"):
        return
    state = config.stash[_STATE]
    rows = _summarise(state)
    served = (f"stages/{registry.folder_name(state.stage)}" if state.stage is not None
              else str(state.folder))
    tr = terminalreporter
    tr.section(f"capabilities of {registry.step_label(state.step)} ({served})")
    for row in rows:
        if row.status in ("arrives", "fixed", "not-graded"):
            continue
        mark = "[pin] " if row.kind == "pin" else ""
        tr.write_line(f"  {report_format.STATUSES[row.status].suite_label:<11} {row.name:<24} "
                      f"{_short_step(row.step):>7}  {mark}{row.summary}",
                      red=row.status in ("fail", "untested"), green=row.status == "pass",
                      yellow=row.status == "partial")
        for reason in row.skips if row.status in ("partial", "untested") else ():
            tr.write_line(f"  {'':<11} {'':<24} skipped: {reason}", yellow=True)
    later = [r for r in rows if r.status == "arrives"]
    if later:
        following = min(r.step for r in later)
        for row in later:
            if row.step == following:
                arrives = registry.step_label(row.step)
                tr.write_line(f"  {'-':<11} {row.name:<24} arrives in {arrives}")
        rest = [r for r in later if r.step != following]
        if rest:
            after = registry.step_label(following)
            tr.write_line(f"  ({len(rest)} more capabilities arrive after {after})")
    fixed = [r for r in rows if r.status == "fixed"]
    if fixed:
        tr.write_line("  limitations fixed by now: " + ", ".join(
            f"{r.name} (step {r.until + 1})" for r in fixed))


def _write_report(config, state: _State, exitstatus: int) -> None:
    path = config.getoption("--capability-json")
    if _is_worker(config) or not path:
        return
    report_format.write(path, report_format.Report(
        step=state.step, stage=state.stage, impl=str(state.folder),
        dezero_file=state.dezero_file, exitstatus=int(exitstatus),
        capabilities=_summarise(state), strict=state.strict,
        vehicles=sorted(state.vehicles), defects=[d.as_dict() for d in state.defects],
        skipped_lines=[s.as_dict() for s in state.skipped], aliases=state.aliases,
        load_error=state.load_error))


def pytest_sessionfinish(session, exitstatus):
    _write_report(session.config, session.config.stash[_STATE], exitstatus)


@pytest.fixture(scope="module")
def server():
    """A web server on 127.0.0.1 for the loaders' tests (localserver.py)."""
    server = Server()
    try:
        yield server
    finally:
        server.close()


# Property tests: few, reproducible examples, so a stage run stays within seconds and a
# failure seen once is seen again.
from hypothesis import settings  # noqa: E402

settings.register_profile("stages", max_examples=25, deadline=None, derandomize=True,
                          database=None)
settings.load_profile("stages")
