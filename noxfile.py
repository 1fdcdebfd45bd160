"""Nox sessions, built from the stage registry.

    nox -s stage-17      the shared suite against stage 17, with its capability report
    nox -t stages        every stage, one session each (what CI runs as a matrix)
    nox -t ci            every stage, lint, lock, the tools' tests, coverage, the install
                         check and mutants (what .ci/run runs)
    nox -s lint lock     ruff, and the check that frozen stages match stages/stages.lock
    nox -s coverage -- 17    line coverage of stage 17's dezero by the suite (>= 95 %)
    nox -s mutants       deliberately broken stages (tools/mutants.toml) must fail the suite
    nox -s install       the learner's path: build the wheel, install it into a fresh venv
                         and grade learner fixtures with `dezero-stages grade`, no clone used
    nox -s site-check    build the study site, check every page in Chromium (apt-get)
    nox -s matrix | demo -- 17 | diff -- 16 17 | grade -- 17 PATH | tools

The sessions matrix, demo, diff and grade pass everything after `--` to that
`python -m tools` command.

All sessions share one environment, `.nox/env`, made by the `env` session on first use and
reused afterwards, so a warm `nox -s stage-17` spends its time running tests, not installing.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import sys
import tomllib

import nox

ROOT = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from dezero_stages import registry, suite  # noqa: E402  (standard library only)

nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "lock", "tools"]

ENV_DIR = ROOT / ".nox" / "env"


def _requirements() -> list[str]:
    """numpy plus the dev extra of pyproject.toml and the extras it names, in turn (test,
    demo, and book through test), without the project itself or nox."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    reqs, todo, seen = list(project["dependencies"]), ["dev"], set()
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        for req in extras[name]:
            if req.startswith("dezero-stages["):  # the project's own extras: their contents
                todo += req.partition("[")[2].partition("]")[0].split(",")
            elif not req.startswith("nox"):
                reqs.append(req)
    return list(dict.fromkeys(reqs))


@nox.session(reuse_venv=True, default=False, venv_backend="uv|virtualenv")
def env(session: nox.Session) -> None:
    """Create or refresh the one environment every other session runs in."""
    reqs = _requirements()
    stamp = pathlib.Path(session.virtualenv.location) / "requirements.sha256"
    digest = hashlib.sha256("\n".join(reqs).encode()).hexdigest()
    if stamp.is_file() and stamp.read_text() == digest:
        session.log("environment is up to date")
        return
    session.install(*reqs)
    stamp.write_text(digest)


def _python() -> str:
    bindir = "Scripts" if os.name == "nt" else "bin"
    return str(ENV_DIR / bindir / ("python.exe" if os.name == "nt" else "python"))


def _run(session: nox.Session, *args: str, **kwargs) -> None:
    session.run(_python(), *args, external=True, **kwargs)


def _tools(session: nox.Session, command: str, *default: str) -> None:
    """`python -m tools COMMAND` with the session's arguments, or `default` without any."""
    _run(session, "-m", "tools", command, *(session.posargs or default))


def _stage_session(step: int):
    served, _ = registry.resolve(step)
    note = "" if served == step else f" (no code in step {step}: checks stage {served})"
    title = registry.load_manifest()[step].title

    def session_func(session: nox.Session) -> None:
        if served != step:
            session.log(f"step {step} has no code; verifying stage {served}, graded as step {step}")
        session.run(*suite.pytest_command(step, workers="auto", python=_python(),
                                          extra=tuple(session.posargs)), external=True)

    session_func.__doc__ = (f"final: {title} (dezero 0.0.13)."
                            if step == registry.FINAL else f"Step {step}: {title}{note}.")
    return session_func


for _step in registry.session_steps():
    nox.session(
        _stage_session(_step), name=f"stage-{registry.label(_step)}", venv_backend="none",
        tags=["stages", "ci"], requires=["env"], default=False,
    )


@nox.session(venv_backend="none", requires=["env"], tags=["ci"])
def lint(session: nox.Session) -> None:
    """ruff over the stages, the suite, the tools, dezero_stages and this file."""
    _run(session, "-m", "ruff", "check", "stages", "shared_tests", "tools", "dezero_stages",
         "noxfile.py", "benchmarks")


@nox.session(venv_backend="none", requires=["env"], tags=["ci"])
def lock(session: nox.Session) -> None:
    """Fail, naming stage and file, when a frozen stage differs from stages/stages.lock."""
    _run(session, "-m", "tools", "check")


@nox.session(venv_backend="none", requires=["env"], tags=["ci"])
def tools(session: nox.Session) -> None:
    """The tools' own tests."""
    _run(session, "-m", "pytest", "tools/tests", "-q", "-p", "no:cacheprovider")


@nox.session(venv_backend="none", requires=["env"], tags=["ci"], default=False)
def coverage(session: nox.Session) -> None:
    """Line coverage of each stage's dezero by the shared suite (fails under 95 %).

    nox -s coverage            every stage
    nox -s coverage -- 17 22   just these
    """
    steps = [registry.parse(a) for a in session.posargs] or registry.built_stages()
    data = ROOT / ".nox" / "coverage"
    data.mkdir(parents=True, exist_ok=True)
    for step in steps:
        served, folder = registry.resolve(step)
        datafile = str(data / registry.folder_name(served))
        env_vars = {"COVERAGE_FILE": datafile}
        pytest = suite.pytest_command(step, capability_report=False)[1:]  # after "python"
        _run(session, "-m", "coverage", "run", f"--source={folder / 'dezero'}", *pytest,
             env=env_vars, silent=True)
        _run(session, "-m", "coverage", "report", "--fail-under=95", "--show-missing",
             env=env_vars)


@nox.session(venv_backend="none", requires=["env"], default=False)
def matrix(session: nox.Session) -> None:
    """Capability x stage grid over every stage, stages run in parallel processes."""
    _tools(session, "matrix")


@nox.session(venv_backend="none", requires=["env"], default=False)
def demo(session: nox.Session) -> None:
    """Run a step's demo: nox -s demo -- 17 (default: the newest stage)."""
    _tools(session, "demo", str(registry.built_stages()[-1]))


@nox.session(venv_backend="none", requires=["env"], default=False)
def diff(session: nox.Session) -> None:
    """What a step changed: nox -s diff -- 16 17 (default: the two newest stages)."""
    _tools(session, "diff", *[str(n) for n in registry.built_stages()[-2:]])


@nox.session(venv_backend="none", requires=["env"], default=False)
def grade(session: nox.Session) -> None:
    """Grade your own code: nox -s grade -- 17 path/to/folder/with/dezero."""
    if len(session.posargs) < 2:
        session.error("usage: nox -s grade -- STEP PATH")
    _tools(session, "grade")


@nox.session(venv_backend="none", requires=["env"], default=False)
def site(session: nox.Session) -> None:
    """Build the study site into site/, the matrix run first where stages.lock changed:
    nox -s site (-- --no-demos, --out DIR, ...)."""
    _run(session, "-m", "tools", "site", "--run-matrix", *session.posargs)


@nox.session(name="site-check", venv_backend="none", requires=["env"], tags=["ci"],
             default=False)
def site_check(session: nox.Session) -> None:
    """Build the study site into site/ and check every page in Chromium (tools/site_check.py):
    console errors, broken links and anchors, images, lang and alt text, steps 17 and 32;
    screenshots into out/site-check/. Needs the distribution's Chromium (apt-get install
    chromium; bash .ci/run installs it): without one it is skipped, but fails where CI is set.
    nox -s site-check -- --no-demos passes the options to the build."""
    from tools import site_check as checker
    from tools.common import CommandError

    try:
        browser = checker.find_browser()
    except CommandError as err:
        session.error(str(err))
    if browser is None:
        message = f"no Chromium for the site check: {checker.INSTALL_HINT}"
        if checker.in_ci():
            session.error(f"CI is set and {message}")
        session.skip(f"SKIPPED, NOTHING CHECKED: {message}")
    _run(session, "-m", "tools", "site", "--out", "site", "--run-matrix", *session.posargs)
    _run(session, "-m", "tools", "site-check", "site", "--browser", browser,
         "--screenshots", str(pathlib.Path("out", "site-check")))


def _uv() -> str | None:
    """The uv that came with nox[uv], else one on PATH, else None."""
    try:
        import uv

        return uv.find_uv_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


@nox.session(venv_backend="none", tags=["ci"], default=False)
def install(session: nox.Session) -> None:
    """The learner's install path: the wheel, installed into a fresh venv, grades fixtures.

    tools/install_check.py builds the wheel, installs it (uv if there is one, else venv and
    pip) and, from outside the clone, grades the learner fixtures with `dezero-stages grade`
    and `grade-all`, judging the exit statuses and JSON reports; its docstring lists the
    checks.
    """
    uv = _uv()
    session.run(sys.executable, "-m", "tools.install_check", "--python", sys.executable,
                *(["--uv", uv] if uv else []), external=True)


@nox.session(venv_backend="none", requires=["env"], tags=["ci"], default=False)
def mutants(session: nox.Session) -> None:
    """Deliberately broken stages (tools/mutants.toml) must each fail the suite."""
    _run(session, "-m", "tools", "mutants")
