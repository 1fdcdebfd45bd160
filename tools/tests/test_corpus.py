"""Grading repositories laid out as learners of the book lay them out (tools/tests/learners/corpus).

Each folder of the corpus reproduces one pattern of real learners' repositories (its
README says which); corpus/expect.toml says what grading each must give: exit status, what
the output says and does not say, which capabilities fail and what status others have, and
broken variants that must fail naming their capability. Every command runs as a learner
runs it, `python -m dezero_stages ...` in a copy of the pattern's folder; all of them run
once, in parallel, for the whole module (each grade is one pytest process).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import tomllib

import pytest

from dezero_stages import capabilities, registry

CORPUS = pathlib.Path(__file__).with_name("learners") / "corpus"
with (CORPUS / "expect.toml").open("rb") as _f:
    EXPECT = tomllib.load(_f)
CASES: list[dict] = EXPECT["case"]
STEPS: list[dict] = EXPECT["step"]
BROKEN: list[dict] = EXPECT["broken"]
SCRIPTS: list[dict] = EXPECT["script"]
PATTERNS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("."))
TIMEOUT = 300  # seconds for one command; a row's own `seconds` is checked on top
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt))(?::|$)")
IGNORE = shutil.ignore_patterns("__pycache__", ".ruff_cache", ".pytest_cache")


def case_id(row: dict) -> str:
    return f"{row['pattern']}: {' '.join(row['args'])}"


def script_id(row: dict) -> str:
    return f"{row['pattern']}/{row['file']}"


@dataclasses.dataclass
class Run:
    status: int | None  # None: stopped after TIMEOUT
    output: str  # stdout and stderr
    seconds: float
    reports: dict[str, dict] = dataclasses.field(default_factory=dict)  # the --json reports

    def report(self, name: str = "report") -> dict:
        """grade's --json report ("report"), or grade-all's --json-dir stepNN.json ("stepNN")."""
        assert name in self.reports, f"no {name}.json report written:\n{self.output}"
        return self.reports[name]

    def statuses(self, name: str = "report") -> dict[str, str]:
        return {c["name"]: c["status"] for c in self.report(name)["capabilities"]}

    def failed(self, name: str = "report") -> set[str]:
        return {cap for cap, status in self.statuses(name).items() if status == "fail"}


def _env(extra_path: pathlib.Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # The grader as a clone runs it (no install needed); no CI annotations; no plot window.
    paths = [str(registry.ROOT)] + ([str(extra_path)] if extra_path else [])
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.pop("GITHUB_ACTIONS", None)
    env["MPLBACKEND"] = "Agg"
    return env


def run_command(folder: pathlib.Path, args: list[str], out: pathlib.Path) -> Run:
    """`python -m dezero_stages ARGS` in `folder`; a grade writes --json, grade-all --json-dir."""
    out.mkdir(parents=True)
    argv = list(args)
    argv += ["--json", str(out / "report.json")] if argv[0] == "grade" else ["--json-dir",
                                                                             str(out)]
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "dezero_stages", *argv], cwd=folder,
                              capture_output=True, text=True, timeout=TIMEOUT, env=_env())
        status, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as err:
        status = None
        output = f"{err.stdout or ''}{err.stderr or ''}\n(stopped after {TIMEOUT} s)"
    seconds = time.perf_counter() - start
    reports = {}
    for path in sorted(out.glob("*.json")):
        try:
            reports[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:  # the tests that need it say so, with this
            output += f"\n({path.name} cannot be read: {err})"
    return Run(status, output, seconds, reports)


def run_script(folder: pathlib.Path, file: str) -> Run:
    """The learner's own `python FILE`, with the repository folder on PYTHONPATH."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, file], cwd=folder, capture_output=True, text=True,
                          timeout=TIMEOUT, env=_env(folder))
    return Run(done.returncode, done.stdout + "\n--- stderr ---\n" + done.stderr,
               time.perf_counter() - start)


def copy_pattern(pattern: str, target: pathlib.Path) -> None:
    """A pattern's folder copied to target; where it holds book-defects.patch, its dezero/ is
    stages/final/dezero with that patch applied (the learner who followed the book to the end
    has the released package, the book's defects and all)."""
    shutil.copytree(CORPUS / pattern, target, ignore=IGNORE)
    patch = target / "book-defects.patch"
    if patch.is_file():
        shutil.copytree(registry.stage_dir(registry.FINAL) / "dezero", target / "dezero",
                        ignore=IGNORE)
        done = subprocess.run(["git", "apply", "-p1", patch.name], cwd=target,
                              capture_output=True, text=True)
        assert done.returncode == 0, (
            f"{pattern}/book-defects.patch no longer applies to stages/final "
            f"(remake it as its header says):\n{done.stderr}")
        patch.unlink()


def make_broken(entry: dict, workdir: pathlib.Path) -> pathlib.Path:
    """A copy of the entry's pattern with `old` replaced by `new` (exactly once)."""
    target = workdir / f"broken-{BROKEN.index(entry)}" / entry["pattern"]
    copy_pattern(entry["pattern"], target)
    path = target / entry["file"]
    text = path.read_text(encoding="utf-8")
    assert text.count(entry["old"]) == 1, f"{entry['name']}: old text must occur exactly once"
    path.write_text(text.replace(entry["old"], entry["new"]), encoding="utf-8")
    return target


def _copies(workdir: pathlib.Path) -> dict[str, pathlib.Path]:
    copies = {}
    for pattern in PATTERNS:
        copies[pattern] = workdir / pattern
        copy_pattern(pattern, copies[pattern])
    return copies


def _in_parallel(jobs: dict, run) -> dict:
    # Longest first: a grade-all grades several steps.
    order = sorted(jobs, key=lambda key: key[0] != "grade-all")
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(order, pool.map(lambda key: run(*jobs[key]), order), strict=True))


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    """Every grade the tests below look at, run in parallel: (kind, id) -> Run."""
    workdir = tmp_path_factory.mktemp("corpus")
    copies = _copies(workdir / "cases")
    jobs = {}
    for index, row in enumerate(CASES):
        jobs[(row["args"][0], case_id(row))] = (copies[row["pattern"]], row["args"],
                                                workdir / "reports" / f"case-{index}")
    for index, entry in enumerate(BROKEN):
        jobs[("broken", entry["name"])] = (make_broken(entry, workdir), entry["args"],
                                           workdir / "reports" / f"broken-{index}")
    return _in_parallel(jobs, run_command)


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> dict:
    """Every [[script]] run as the learner ran it, in a copy of the corpus: id -> Run."""
    copies = _copies(tmp_path_factory.mktemp("scripts"))
    jobs = {("script", script_id(row)): (copies[row["pattern"]], row["file"])
            for row in SCRIPTS}
    return {key[1]: run for key, run in _in_parallel(jobs, run_script).items()}


# ---- the table itself -------------------------------------------------------------------------


def test_every_pattern_has_a_case_a_readme_line_and_nothing_unknown(tmp_path):
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    used = {row["pattern"] for row in (*CASES, *STEPS, *BROKEN, *SCRIPTS)}
    assert used <= set(PATTERNS), used - set(PATTERNS)
    for pattern in PATTERNS:
        assert any(row["pattern"] == pattern for row in CASES), f"{pattern}: no [[case]]"
        assert f"`{pattern}/`" in readme, f"{pattern}: no line in corpus/README.md"
    for row in CASES:
        assert row["args"][0] in ("grade", "grade-all"), case_id(row)
        assert set(row) <= {"pattern", "args", "status", "contains", "absent", "fail", "caps",
                            "skipped", "load_error", "seconds"}, case_id(row)
        if row["args"][0] != "grade":
            assert not set(row) & set(PER_REPORT), f"{case_id(row)}: grade only ([[step]])"
    for row in STEPS:
        assert set(row) <= {"pattern", "step", *PER_REPORT}, row
        assert grade_all_case(row["pattern"]), f"{row}: the pattern has no grade-all case"
    for row in (*CASES, *STEPS):
        for name in (*row.get("fail", ()), *row.get("caps", {})):
            capabilities.get(name)  # raises for a name not in the capability table
    for entry in BROKEN:
        assert entry["args"][0] == "grade", f"{entry['name']}: a broken variant is one grade"
        capabilities.get(entry["expect"])
        copy = tmp_path / entry["pattern"]
        if not copy.is_dir():  # as the grade sees it: final-package's dezero/ is made
            copy_pattern(entry["pattern"], copy)
        text = (copy / entry["file"]).read_text(encoding="utf-8")
        assert text.count(entry["old"]) == 1, f"{entry['name']}: old must occur exactly once"
    names = [entry["name"] for entry in BROKEN]
    assert len(set(names)) == len(names)


# ---- the learners' own runs: the fixtures are what the learner saw -----------------------------


@pytest.mark.parametrize("row", SCRIPTS, ids=script_id)
def test_each_step_file_runs_as_its_learner_ran_it(scripts, row):
    run = scripts[script_id(row)]
    stdout, stderr = run.output.split("\n--- stderr ---\n")
    lines = [line.strip() for line in stdout.splitlines()]
    position = 0
    for expected in row["prints"]:  # in order, each a whole line
        assert expected in lines[position:], f"{expected!r} not printed (in order):\n{run.output}"
        position = lines.index(expected, position) + 1
    if row["error"]:
        assert run.status != 0, run.output
        # The exception's own line (a long message may run on over more lines).
        raised = [m[1] for m in map(EXCEPTION_LINE.match, stderr.splitlines()) if m]
        assert raised and raised[-1] == row["error"], run.output
    else:
        assert run.status == 0, run.output


# ---- the grades --------------------------------------------------------------------------------


def _allowed(value) -> list[str]:
    return value if isinstance(value, list) else [value]


PER_REPORT = ("fail", "caps", "skipped", "load_error")  # what a row checks in one report


def grade_all_case(pattern: str) -> dict | None:
    return next((row for row in CASES if row["pattern"] == pattern
                 and row["args"][0] == "grade-all"), None)


def step_id(row: dict) -> str:
    return f"{row['pattern']}: step {row['step']}"


def check_report(run: Run, row: dict, name: str = "report") -> None:
    """A row's fail, caps, skipped and load_error against one report of the run."""
    if not set(row) & set(PER_REPORT):
        return
    report = run.report(name)
    if "fail" in row:
        assert run.failed(name) == set(row["fail"]), run.output
    found = run.statuses(name)
    for cap, expected in row.get("caps", {}).items():
        assert found[cap] in _allowed(expected), (
            f"{cap} is {found[cap]}, expected {expected}:\n{run.output}")
    skipped = {entry["line"] for entry in report.get("skipped_lines") or ()}
    missing = set(row.get("skipped", ())) - skipped
    assert not missing, f"lines {sorted(missing)} not listed as skipped:\n{run.output}"
    if "load_error" in row:
        error = report.get("load_error")
        assert error, f"no load_error in the report:\n{run.output}"
        assert pathlib.Path(error["file"]).as_posix().endswith(row["load_error"]["file"])
        assert error["line"] == row["load_error"]["line"], error


@pytest.mark.parametrize("row", CASES, ids=case_id)
def test_each_case_grades_as_expected(graded, row):
    run = graded[(row["args"][0], case_id(row))]
    assert run.status == row["status"], run.output
    for text in row.get("contains", ()):
        assert text in run.output, f"{text!r} not in the output:\n{run.output}"
    for text in row.get("absent", ()):
        assert text not in run.output, f"{text!r} in the output:\n{run.output}"
    if "seconds" in row:
        assert run.seconds <= row["seconds"], f"took {run.seconds:.0f} s:\n{run.output}"
    check_report(run, row)


@pytest.mark.parametrize("row", STEPS, ids=step_id)
def test_each_step_of_a_grade_all_grades_as_expected(graded, row):
    case = grade_all_case(row["pattern"])
    run = graded[("grade-all", case_id(case))]
    check_report(run, row, f"step{row['step']:02d}")


@pytest.mark.parametrize("entry", BROKEN, ids=lambda e: e["name"])
def test_each_broken_variant_fails_naming_its_capability(graded, entry):
    run = graded[("broken", entry["name"])]
    assert run.status == 1, run.output
    assert f"  FAIL      {entry['expect']}" in run.output, run.output
    # FAIL: not BOOK, MISSING or a spelling note, whatever else the code shares with the book.
    assert run.statuses()[entry["expect"]] == "fail", run.output
