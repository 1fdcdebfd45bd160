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
import os
import pathlib
import sys

import pytest

from dezero_stages import capabilities, registry
from dezero_stages import report as report_format
from dezero_stages.impl import ImplNotFoundError, locate

from . import adapter, book_defects
from .localserver import Server

STATUS_LABEL = {
    "pass": "present",
    "partial": "partly",
    "fail": "FAILED",
    "arrives": "not yet",
    "fixed": "fixed",
    "untested": "NOT TESTED",
    "not-graded": "not graded",
    "missing": "not yours",
    "ahead": "ahead",
    "book": "as the book",
}


def pytest_addoption(parser):
    group = parser.getgroup("dezero-stages")
    group.addoption("--stage", type=int, default=None, metavar="N",
                    help="the step of the book to check, 1-60 (stages/stepNN unless --impl "
                         "is given; a step without code runs the stage before it). "
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
    group.addoption("--as-stage", action="store_true",
                    help="with --impl: grade the code as this project's stage N (a copy of "
                         "stages/stepNN): its conventions count and nothing is excused")


def _find_impl(path: str) -> pathlib.Path:
    try:
        return locate(path)
    except ImplNotFoundError as err:
        raise pytest.UsageError(f"--impl {path}: {err}") from None


def _select(config) -> tuple[int, int | None, pathlib.Path]:
    """(graded step, stage number or None, folder to import dezero from)."""
    step = config.getoption("--stage")
    if step is None and os.environ.get("DEZERO_STAGE"):
        step = int(os.environ["DEZERO_STAGE"])
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
                f"unknown step {step}: the suite can grade steps "
                f"{registry.describe_ranges(gradable)}"
            )
        # --as-stage: a (broken) copy of a stage, graded as that stage would be.
        stage = step if config.getoption("--as-stage") else None
        return step, stage, _find_impl(impl)
    try:
        stage, folder = registry.resolve(step)
    except registry.UnknownStageError as err:
        raise pytest.UsageError(str(err)) from None
    return step, stage, folder


def _import_dezero(folder: pathlib.Path):
    # A dezero imported earlier (another stage, an installed copy) must not leak in.
    for name in [m for m in sys.modules if m == "dezero" or m.startswith("dezero.")]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    import dezero

    where = pathlib.Path(dezero.__file__).resolve()
    if folder not in where.parents:
        raise pytest.UsageError(f"imported dezero from {where}, expected it under {folder}")
    return dezero


def pytest_configure(config):
    config.addinivalue_line("markers", "capability(name): the capability a test checks")
    config.addinivalue_line("markers", "convention(why): checks a convention of this "
                            "project's stages; not graded in --impl code")
    step, stage, folder = _select(config)
    dezero = _import_dezero(folder)
    adapter.bind(dezero, step, stage)
    state = _State(step, stage, folder, dezero)
    state.strict = config.getoption("--strict-grading")
    if stage is None:  # only code that is not ours is compared with the book's defects
        state.defects = book_defects.present_in(adapter, step)
    config.stash[_STATE] = state
    config.pluginmanager.register(_Recorder(state), "dezero-stages-recorder")


class _State:
    def __init__(self, step, stage, folder, dezero):
        self.step = step
        self.stage = stage
        self.folder = folder
        self.dezero_file = str(pathlib.Path(dezero.__file__).resolve())
        self.counts = collections.defaultdict(collections.Counter)
        self.failures = collections.defaultdict(list)
        self.skips = collections.defaultdict(list)
        self.strict = False
        self.defects: list[book_defects.Defect] = []
        self.vehicles: set[str] = set()


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

    Under xdist the reports reach the controller's hooks too, with their user_properties.
    """

    def __init__(self, state: _State):
        self.state = state

    def pytest_runtest_logreport(self, report):
        names = [value for key, value in report.user_properties if key == "capability"]
        # Count each test once: its call, or the setup/teardown that skipped or broke it.
        if not names or (report.when != "call" and report.outcome == "passed"):
            return
        name = names[0]
        for key, value in report.user_properties:
            if key == "vehicles" and value:
                self.state.vehicles.update(value.split(","))
        self.state.counts[name][report.outcome] += 1
        if report.outcome == "failed":
            message = _crash_message(report)
            self.state.failures[name].append(report_format.Failure(
                report.nodeid, message, _failure_kind(self.state, report.nodeid, message)))
        elif report.outcome == "skipped":
            self.state.skips[name].append(_skip_reason(report))


def _failure_kind(state: _State, test_id: str, message: str) -> str:
    """Why a test of --impl code failed: "missing", "book:<defect>" or "real"."""
    if state.stage is not None:
        return "real"
    if "this dezero has no '" in message:
        return "missing"
    for defect in state.defects:
        if defect.explains(test_id, message):
            return f"book:{defect.name}"
    return "real"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # The adapter builds vehicles only outside the capability that introduces a function.
    names = [value for key, value in item.user_properties if key == "capability"]
    adapter.CURRENT = names[0] if names else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield
    # Which vehicles the code needed so far; the report of this test carries it to the
    # controller under xdist.
    item.user_properties.append(("vehicles", ",".join(sorted(adapter.VEHICLES_BUILT))))


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


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _is_worker(config) or config.getoption("--no-capability-report"):
        return
    state = config.stash[_STATE]
    rows = _summarise(state)
    served = f"stages/step{state.stage:02d}" if state.stage is not None else str(state.folder)
    tr = terminalreporter
    tr.section(f"capabilities of step {state.step} ({served})")
    for row in rows:
        if row.status in ("arrives", "fixed", "not-graded"):
            continue
        mark = "[pin] " if row.kind == "pin" else ""
        tr.write_line(f"  {STATUS_LABEL[row.status]:<11} {row.name:<24} "
                      f"step {row.step:>2}  {mark}{row.summary}",
                      red=row.status in ("fail", "untested"), green=row.status == "pass",
                      yellow=row.status == "partial")
        for reason in row.skips if row.status in ("partial", "untested") else ():
            tr.write_line(f"  {'':<11} {'':<24} skipped: {reason}", yellow=True)
    later = [r for r in rows if r.status == "arrives"]
    if later:
        following = min(r.step for r in later)
        for row in later:
            if row.step == following:
                tr.write_line(f"  {'-':<11} {row.name:<24} arrives in step {row.step}")
        rest = [r for r in later if r.step != following]
        if rest:
            tr.write_line(f"  ({len(rest)} more capabilities arrive after step {following})")
    fixed = [r for r in rows if r.status == "fixed"]
    if fixed:
        tr.write_line("  limitations fixed by now: " + ", ".join(
            f"{r.name} (step {r.until + 1})" for r in fixed))


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    path = config.getoption("--capability-json")
    if _is_worker(config) or not path:
        return
    state = config.stash[_STATE]
    report_format.write(path, report_format.Report(
        step=state.step, stage=state.stage, impl=str(state.folder),
        dezero_file=state.dezero_file, exitstatus=int(exitstatus),
        capabilities=_summarise(state), strict=state.strict,
        vehicles=sorted(state.vehicles), defects=[d.as_dict() for d in state.defects]))


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
