"""The learner's install path, checked end to end: what `nox -s install` runs.

    python -m tools.install_check [--python PYTHON] [--uv UV] [--root ROOT]

One job: build the wheel, install it into a fresh virtual environment, grade the learner
fixtures (tools/tests/learners) with the installed `dezero-stages` and check the results.

- The wheel is built from a clean copy of what it carries (pyproject.toml, README.md,
  dezero_stages, shared_tests: no stale build/), with `uv build` when UV is given, else with
  the new venv's pip; it is installed with its dependencies into a new virtual environment
  made from PYTHON (uv venv, or python -m venv).
- Every command after that runs in a folder outside the clone, PYTHONPATH unset: only the
  installed copy counts. The installed package must be the venv's, of pyproject's version,
  with no stage, and find its suite and its pytest settings; `dezero-stages --version` runs.
- `grade 9 steps/step09.py`, run in the folder holding steps/, passes: a learner's file in
  the book's layout (the step-9 fixture's dezero.py copied there).
- `grade 17` on the step-17 fixture passes (exit 0, no failed capability, weakref-outputs
  passed) and writes its JSON report and JUnit XML; on a copy broken as broken.toml says
  it fails (exit 1, weakref-outputs failed); `grade-all` on a folder holding step09/ and
  step17/ passes, with a report and a JUnit file per step.
- The `book` extra: code that imports matplotlib.pyplot and PIL.Image when it loads, as the
  book's own final package does, is not imported without it (exit 2, the report's load_error
  saying to install dezero-stages[book]), and passes once `dezero-stages[book]` is installed.

Grades are judged from the exit status and the JSON report (dezero_stages/report.py:
`step`, `capabilities[*].name` and `.status`, `load_error`), never from the printed text,
which is shown only when a check fails. Standard library only. Exits 1 naming every failed
check, 2 when the wheel cannot be built or installed.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
CARRIED_FILES = ("pyproject.toml", "README.md")
CARRIED_FOLDERS = ("dezero_stages", "shared_tests")
FAILING = ("fail",)  # the statuses that fail a grade (report.py's failing statuses)
TIMEOUT = 900  # seconds for any one command
# What the book's final package (dezero 0.0.13) imports when it loads, beyond numpy:
# dezero/datasets.py imports matplotlib.pyplot, dezero/transforms.py PIL.Image.
BOOK_IMPORTS = "import matplotlib.pyplot as plt  # the book's dezero/datasets.py\n" \
               "from PIL import Image  # the book's dezero/transforms.py\n"


class SetupError(Exception):
    """The wheel could not be built or installed: nothing to grade."""


# ---- judging: pure functions of exit statuses and reports ---------------------------------


def judge_grade(what: str, code: int, report: dict | None, *, step: int, passes: bool,
                passed: tuple[str, ...] = (), failed: tuple[str, ...] = (),
                dezero_file: pathlib.Path | None = None) -> list[str]:
    """What is wrong with one `dezero-stages grade` run; [] when it is as expected.

    passes: the grade must pass (exit 0, no capability failed), else fail (exit 1, one
    failed at least). `passed`/`failed`: capabilities whose status must be pass/fail.
    dezero_file: the file the report must say the code was imported from.
    """
    want = 0 if passes else 1
    problems = []
    if code != want:
        problems.append(f"{what}: exit status {code}, expected {want}")
    if report is None:
        return problems + [f"{what}: no JSON report"]
    try:
        statuses = {c["name"]: c["status"] for c in report["capabilities"]}
        graded_as = report["step"]
    except (KeyError, TypeError) as err:
        return problems + [f"{what}: malformed report ({err!r})"]
    if graded_as != step:
        problems.append(f"{what}: the report says step {graded_as}, expected {step}")
    if dezero_file is not None and (
            pathlib.Path(str(report.get("dezero_file"))).resolve() != dezero_file.resolve()):
        problems.append(f"{what}: graded {report.get('dezero_file')}, not {dezero_file}")
    failing = sorted(name for name, status in statuses.items() if status in FAILING)
    if passes and failing:
        problems.append(f"{what}: failed capabilities {failing}")
    if not passes and not failing:
        problems.append(f"{what}: no capability failed")
    for names, status in ((passed, "pass"), (failed, "fail")):
        for name in names:
            if statuses.get(name) != status:
                problems.append(f"{what}: {name} is {statuses.get(name, 'absent')!r}, "
                                f"expected {status!r}")
    return problems


def judge_load_error(what: str, code: int, report: dict | None, *, hint: str) -> list[str]:
    """A grade of code that could not be imported: exit 2, the report's load_error naming
    `hint` (what to install) in its hint."""
    problems = [] if code == 2 else [f"{what}: exit status {code}, expected 2 (not imported)"]
    if report is None:
        return problems + [f"{what}: no JSON report"]
    error = report.get("load_error")
    if not isinstance(error, dict):
        return problems + [f"{what}: the report has no load_error"]
    if hint not in str(error.get("hint") or ""):
        problems.append(f"{what}: load_error's hint {error.get('hint')!r} does not say {hint}")
    return problems


def judge_junit(what: str, path: pathlib.Path) -> list[str]:
    """A JUnit XML file that parses, holds test cases, and none of them failed or erred."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        return [f"{what}: no readable JUnit XML at {path} ({err})"]
    cases = root.findall(".//testcase")
    bad = [c.get("name") for c in cases
           if c.find("failure") is not None or c.find("error") is not None]
    if not cases:
        return [f"{what}: JUnit XML {path.name} holds no test case"]
    return [f"{what}: JUnit XML {path.name} has failed cases {bad}"] if bad else []


def judge_installed(facts: dict, *, venv: pathlib.Path, version: str) -> list[str]:
    """The probe's facts about the installed package (see PROBE)."""
    problems = []
    where = pathlib.Path(facts.get("file", ""))
    if venv.resolve() not in where.parents:
        problems.append(f"dezero_stages imported from {where}, not from the venv {venv}")
    if facts.get("version") != version:
        problems.append(f"installed version {facts.get('version')!r}, pyproject says "
                        f"{version!r}")
    if facts.get("stages") != []:
        problems.append(f"the installed package has stages: {facts.get('stages')}")
    if not facts.get("suite_conftest"):
        problems.append(f"the installed suite is not found: {facts.get('suite')}")
    if not facts.get("config"):
        problems.append(f"the installed suite has no pytest settings: {facts.get('config')}")
    return problems


def read_report(path: pathlib.Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


# ---- fixtures ---------------------------------------------------------------------------


def broken_copy(fixture: pathlib.Path, target: pathlib.Path, expect: str) -> pathlib.Path:
    """A copy of a learner fixture broken as tools/tests/learners/broken.toml says."""
    with (fixture.parent / "broken.toml").open("rb") as f:
        entry = next(e for e in tomllib.load(f)["broken"]
                     if e["expect"] == expect and f"step{e['step']:02d}" == fixture.name)
    shutil.copytree(fixture, target, ignore=shutil.ignore_patterns("__pycache__"))
    path = target / entry["file"]
    text = path.read_text(encoding="utf-8")
    if text.count(entry["old"]) != 1:
        raise RuntimeError(f"broken.toml: {entry['name']!r} does not occur once in {path}")
    path.write_text(text.replace(entry["old"], entry["new"]), encoding="utf-8")
    return target


def book_imports_copy(fixture: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    """A copy of a one-file fixture that imports what the book's package imports on load."""
    shutil.copytree(fixture, target, ignore=shutil.ignore_patterns("__pycache__"))
    path = target / "dezero.py"
    text = path.read_text(encoding="utf-8")
    path.write_text(BOOK_IMPORTS + text, encoding="utf-8")
    return target


# The probe runs in the venv, outside the clone, and prints what it finds as JSON.
PROBE = """\
import importlib.metadata, json, pathlib, dezero_stages
from dezero_stages import registry, suite
conftest = pathlib.Path(suite.SUITE_DIR) / "conftest.py"
print(json.dumps({
    "file": str(pathlib.Path(dezero_stages.__file__).resolve()),
    "version": importlib.metadata.version("dezero-stages"),
    "stages": registry.built_stages(),
    "suite": str(suite.SUITE_DIR), "suite_conftest": conftest.is_file(),
    "config": None if suite.CONFIG is None else str(suite.CONFIG),
}))
"""


# ---- the run ----------------------------------------------------------------------------


class Check:
    """Build, install, grade; record every problem instead of stopping at the first."""

    def __init__(self, root: pathlib.Path, python: str, uv: str | None, tmp: pathlib.Path):
        self.root, self.python, self.uv, self.tmp = root, python, uv, tmp
        self.learners = root / "tools" / "tests" / "learners"
        self.venv = tmp / "venv"
        bindir = self.venv / ("Scripts" if os.name == "nt" else "bin")
        self.venv_python = str(bindir / ("python.exe" if os.name == "nt" else "python"))
        self.command = str(bindir / "dezero-stages")
        self.work = tmp / "work"  # outside the clone: the learner's own folder
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.env["GITHUB_ACTIONS"] = "false"  # no workflow annotations in the output
        self.problems: list[str] = []
        self.wheel: pathlib.Path | None = None

    def run(self, *args: str, cwd=None, capture: bool = False) -> subprocess.CompletedProcess:
        shown = [arg if len(arg) < 200 else arg.splitlines()[0] + " ..." for arg in args]
        print("$", shlex.join(shown), flush=True)
        try:
            return subprocess.run(args, cwd=cwd, env=self.env, text=True, timeout=TIMEOUT,
                                  stdout=subprocess.PIPE if capture else None,
                                  stderr=subprocess.STDOUT if capture else None)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(args, 124, f"timed out after {TIMEOUT} s")

    def setup(self, *args: str) -> None:
        if self.run(*args).returncode != 0:
            raise SetupError(f"failed: {shlex.join(args)}")

    def record(self, what: str, problems: list[str], output: str = "") -> None:
        if problems:
            self.problems += problems
            for problem in problems:
                print(f"FAILED {problem}", flush=True)
            if output:
                print(f"---- its output, last 3000 characters ----\n{output[-3000:]}\n----")
        else:
            print(f"ok     {what}", flush=True)

    # -- the steps

    def build_and_install(self) -> None:
        source, wheels = self.tmp / "source", self.tmp / "wheels"
        source.mkdir()
        for name in CARRIED_FILES:
            shutil.copy2(self.root / name, source / name)
        for name in CARRIED_FOLDERS:
            shutil.copytree(self.root / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        if self.uv is not None:
            self.setup(self.uv, "build", "--wheel", "--quiet", "--out-dir", str(wheels),
                       str(source))
            self.setup(self.uv, "venv", "--quiet", "--python", self.python, str(self.venv))
        else:
            self.setup(self.python, "-m", "venv", str(self.venv))
            self.setup(self.venv_python, "-m", "pip", "wheel", "--quiet", "--no-deps",
                       "-w", str(wheels), str(source))
        built = sorted(wheels.glob("*.whl"))
        if len(built) != 1:
            raise SetupError(f"expected one wheel in {wheels}, found {built}")
        self.wheel = built[0]
        self.install(str(self.wheel))

    def install(self, requirement: str) -> None:
        if self.uv is not None:
            self.setup(self.uv, "pip", "install", "--quiet", "--python", self.venv_python,
                       requirement)
        else:
            self.setup(self.venv_python, "-m", "pip", "install", "--quiet", requirement)

    def installed(self) -> None:
        version = tomllib.loads((self.root / "pyproject.toml").read_text())["project"]["version"]
        probe = self.run(self.venv_python, "-c", PROBE, cwd=self.work, capture=True)
        try:
            facts = json.loads(probe.stdout.strip().splitlines()[-1])
            problems = judge_installed(facts, venv=self.venv, version=version)
        except (json.JSONDecodeError, IndexError):
            problems = [f"the probe of the installed package failed (exit {probe.returncode})"]
        self.record(f"installed {version} in the venv, no stage, suite and settings found",
                    problems, probe.stdout)
        done = self.run(self.command, "--version", cwd=self.work, capture=True)
        self.record("dezero-stages --version",
                    [f"--version: exit status {done.returncode}"] if done.returncode else [],
                    done.stdout)

    def grade(self, what: str, step: int, path: pathlib.Path, *, passes: bool,
              passed: tuple[str, ...] = (), failed: tuple[str, ...] = (),
              junit: bool = False, cwd: pathlib.Path | None = None,
              dezero_file: pathlib.Path | None = None) -> None:
        name = what.replace(" ", "-").replace("/", "-")
        report_path, junit_path = self.work / f"{name}.json", self.work / f"{name}.xml"
        extra = ("--junit-xml", str(junit_path)) if junit else ()
        done = self.run(self.command, "grade", str(step), str(path), "--json",
                        str(report_path), *extra, cwd=cwd or self.work, capture=True)
        problems = judge_grade(what, done.returncode, read_report(report_path), step=step,
                               passes=passes, passed=passed, failed=failed,
                               dezero_file=dezero_file)
        if junit:
            problems += judge_junit(what, junit_path)
        verdict = "passes" if passes else f"fails ({', '.join(failed) or 'as it should'})"
        self.record(f"{what}: grade {step} {verdict}", problems, done.stdout)

    def grade_all(self) -> None:
        mine, junit, reports = self.work / "mine", self.work / "junit", self.work / "reports"
        steps = {"step09": 9, "step17": 17}
        for name in steps:
            shutil.copytree(self.learners / name, mine / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        done = self.run(self.command, "grade-all", str(mine), "--junit-dir", str(junit),
                        "--json-dir", str(reports), cwd=self.work, capture=True)
        problems = [] if done.returncode == 0 else [
            f"grade-all: exit status {done.returncode}, expected 0"]
        for name, step in steps.items():
            problems += [p for p in judge_grade(f"grade-all {name}", 0,
                                                read_report(reports / f"{name}.json"),
                                                step=step, passes=True)]
            problems += judge_junit(f"grade-all {name}", junit / f"{name}.xml")
        self.record(f"grade-all on {', '.join(steps)}: every step passes", problems,
                    done.stdout)

    def book_layout(self) -> None:
        """A learner's file as the book lays them out: `grade 9 steps/step09.py`."""
        folder = self.work / "book-layout"
        (folder / "steps").mkdir(parents=True)
        shutil.copy2(self.learners / "step09" / "dezero.py", folder / "steps" / "step09.py")
        self.grade("book layout steps/step09.py", 9, pathlib.Path("steps", "step09.py"),
                   passes=True, cwd=folder, dezero_file=folder / "steps" / "step09.py")

    def book_extra(self) -> None:
        """Code importing what the book's package imports: no grade without [book], one with."""
        code = book_imports_copy(self.learners / "step09", self.work / "book-imports" / "step09")
        report_path = self.work / "without-the-book-extra.json"
        done = self.run(self.command, "grade", "9", str(code), "--json", str(report_path),
                        cwd=self.work, capture=True)
        self.record("without the book extra, code importing matplotlib and PIL is not "
                    "imported, and the report says to install dezero-stages[book]",
                    judge_load_error("without the book extra", done.returncode,
                                     read_report(report_path), hint="dezero-stages[book]"),
                    done.stdout)
        self.install(f"dezero-stages[book] @ {self.wheel.resolve().as_uri()}")
        self.grade("with the book extra", 9, code, passes=True)

    def all(self) -> None:
        self.build_and_install()
        self.work.mkdir()
        self.installed()
        self.grade("step 17", 17, self.learners / "step17", passes=True,
                   passed=("weakref-outputs",), junit=True)
        broken = broken_copy(self.learners / "step17", self.work / "broken" / "step17",
                             "weakref-outputs")
        self.grade("broken step 17", 17, broken, passes=False, failed=("weakref-outputs",))
        self.grade_all()
        self.book_layout()
        self.book_extra()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.install_check",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable,
                        help="the Python to make the venv from (default: this one)")
    parser.add_argument("--uv", default=None,
                        help="uv, to build, make the venv and install (default: venv and pip)")
    parser.add_argument("--root", type=pathlib.Path, default=ROOT,
                        help="the clone to build the wheel from (default: this one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dezero-install-") as tmp:
        check = Check(args.root.resolve(), args.python, args.uv, pathlib.Path(tmp))
        try:
            check.all()
        except SetupError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    if check.problems:
        print(f"\n{len(check.problems)} install check(s) failed:", file=sys.stderr)
        for problem in check.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print("\nthe installed wheel grades the learner fixtures as it should")
    return 0


if __name__ == "__main__":
    sys.exit(main())
