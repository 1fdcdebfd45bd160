"""What new users ran into, one test each: grading steps the suite does not know, paths to
the dezero itself, a Python without pytest, partly skipped capabilities, a silent matrix,
a demo's hidden options, and files the commands write at the repository root."""

import shlex
import shutil
import subprocess
import sys

import pytest

from dezero_stages import capabilities, grade, registry, render_text
from dezero_stages import report as report_format
from dezero_stages.run import Run
from tools import cli, common, matrix, runner
from tools.tests.conftest import argv_demo, fake_steps
from tools.tests.test_reports import cap, report, sample_runs


@pytest.fixture
def no_subprocess(monkeypatch):
    """Fail the test if anything is spawned."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"spawned {args[0] if args else kwargs}")

    monkeypatch.setattr(subprocess, "run", refuse)


# --- grade N: only steps the suite knows -----------------------------------------------------


def test_grade_refuses_a_step_the_suite_does_not_know_yet(repo, monkeypatch, capsys, tmp_path,
                                                          no_subprocess):
    (tmp_path / "dezero.py").write_text("")
    # Step 7 is in the manifest, but no capability reaches it: the suite has no tests for it.
    monkeypatch.setattr(capabilities, "CAPABILITIES",
                        tuple(c for c in capabilities.CAPABILITIES if c.step <= 6))
    assert cli.main(["grade", "7", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot grade step 7: it grades steps 1-6" in err


def test_steps_to_grade_are_the_capability_tables_not_the_built_stages(repo, monkeypatch):
    # No stage folder is needed to grade: an installed copy has none.
    monkeypatch.setattr(registry, "STAGES_DIR", repo / "nowhere")
    assert registry.built_stages() == []
    assert registry.gradable_steps() == [1, 2, 3, 4, 5, 6, 7]
    monkeypatch.setattr(capabilities, "CAPABILITIES",
                        tuple(c for c in capabilities.CAPABILITIES if c.step <= 4))
    assert registry.gradable_steps() == [1, 2, 3, 4]


# --- grade PATH: the folder, the dezero/ package or the dezero.py file -----------------------


@pytest.mark.parametrize("layout, given", [
    ("package", "mine"), ("package", "mine/dezero"),
    ("module", "mine"), ("module", "mine/dezero.py"),
])
def test_grade_finds_dezero_from_any_path_a_person_names(repo, monkeypatch, capsys, tmp_path,
                                                         layout, given):
    mine = tmp_path / "mine"
    if layout == "package":
        (mine / "dezero").mkdir(parents=True)
        (mine / "dezero" / "__init__.py").write_text("")
    else:
        mine.mkdir()
        (mine / "dezero.py").write_text("")
    impls = []

    def passing_run(step, report_path, *, impl=None, **kwargs):
        impls.append(impl)
        return Run(report(step, None, cap("numerical-diff", 4, "pass")), 0)

    monkeypatch.setattr(grade, "run_suite", passing_run)
    assert cli.main(["grade", "4", str(tmp_path / given)]) == 0
    assert [i.folder for i in impls] == [mine.resolve()]  # the folder to import from
    assert "step 4 passes: 1 passed, 0 failed" in capsys.readouterr().out


def test_grade_runs_a_dezero_package_named_directly(tmp_path, capsys):
    # End to end on the real suite: stage 1's package, named as .../dezero.
    shutil.copytree(registry.stage_dir(1) / "dezero", tmp_path / "mine" / "dezero",
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert cli.main(["grade", "1", str(tmp_path / "mine" / "dezero")]) == 0
    out = capsys.readouterr().out
    assert any(line.split()[:3] == ["PASS", "variable-box", "Variable(data)"]
               for line in out.splitlines()), out
    assert ", 0 failed" in out


def test_grade_with_no_dezero_at_the_path_says_what_to_pass(repo, capsys, tmp_path):
    assert cli.main(["grade", "4", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "your step's .py file (steps/step09.py)" in err


# --- a Python without pytest or numpy --------------------------------------------------------


@pytest.mark.parametrize("argv, session", [
    (["grade", "4", "my code"], "grade -- 4 'my code'"),
    (["matrix", "--stages", "1-2"], "matrix -- --stages 1-2"),
    (["mutants"], "mutants"),
    (["demo", "4", "--epochs", "2"], "demo -- 4 --epochs 2"),
])
def test_commands_that_need_pytest_say_which_python_to_use(repo, monkeypatch, capsys, tmp_path,
                                                           no_subprocess, argv, session):
    (tmp_path / "my code").mkdir()
    (tmp_path / "my code" / "dezero.py").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(common, "importable", lambda name: name not in ("pytest", "numpy"))
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: {argv[0]} needs ")
    assert "numpy" in err
    assert f"run it with .nox/env/bin/python -m tools {shlex.join(argv)} " in err
    assert err.rstrip().endswith(f"or nox -s {session}")


def test_new_prints_commands_that_run_as_printed(repo, monkeypatch, capsys):
    monkeypatch.setattr(common, "importable", lambda name: False)
    assert cli.main(["new", "7"]) == 0
    out = capsys.readouterr().out
    assert "2. .nox/env/bin/python -m tools diff 6 7 " in out
    assert "3. .nox/env/bin/python -m pytest shared_tests --stage 7 " in out
    assert "4. .nox/env/bin/python -m tools freeze " in out


def test_new_prints_the_running_python_where_it_has_the_suites_modules(repo, capsys):
    assert cli.main(["new", "7"]) == 0
    commands = [line.split(". ", 1)[1].split("   #")[0]
                for line in capsys.readouterr().out.splitlines() if " -m " in line]
    assert len(commands) == 3
    for command in commands:
        assert shlex.split(command)[0] == sys.executable


# --- partly skipped capabilities --------------------------------------------------------------

NO_DOT = "dot-render: graphviz's dot is not installed"


def partial_runs():
    runs = sample_runs()[:2]
    for run in runs:
        partial = report(run.step, run.step, cap("dot-render", 16, "partial", skips=[NO_DOT]))
        run.report.capabilities += partial.capabilities
    return runs


def test_grade_reports_a_partly_skipped_capability_with_its_reason():
    step = registry.Step(26, "Visualizing graphs", "계산 그래프 시각화", 2, True, "dot")
    data = report(26, None, cap("dot-graph", 26, "pass"),
                  cap("dot-render", 26, "partial", skips=[NO_DOT]))
    text, status = render_text.render_report(data, step)
    assert status == 0
    lines = text.splitlines()
    assert "  PART      dot-render  summary of dot-render" in lines
    assert f"            skipped: {NO_DOT}" in lines
    assert lines[-1] == "step 26 passes: 2 passed, 0 failed, 1 passed in part"


def test_matrix_shows_partial_cells_and_their_reasons():
    runs = partial_runs()
    grid = matrix.render_grid(runs)
    row = next(line for line in grid.splitlines() if line.startswith("dot-render"))
    assert row.split() == ["dot-render", "16", "◐", "◐"]
    assert f"◐ {report_format.STATUSES['partial'].meaning}" in grid
    assert f"  dot-render (steps 16-17): {NO_DOT}" in grid.splitlines()
    assert "1 partial" in grid
    ascii_grid = matrix.render_grid(runs, matrix.ASCII_SYMBOLS)
    assert next(line for line in ascii_grid.splitlines()
                if line.startswith("dot-render")).split()[2:] == ["~", "~"]
    markdown = matrix.render_markdown(runs)
    assert "| `dot-render` | 16 | ◐ | ◐ |" in markdown
    assert "| **partial** |  | 1 | 1 |" in markdown
    assert f"- dot-render (steps 16-17): {NO_DOT}" in markdown
    page = matrix.render_html(runs)
    assert page.count('<td class="partial"') == 2
    assert "skipped: dot-render: graphviz&#x27;s dot is not installed" in page


def test_every_status_of_the_report_has_a_symbol_or_is_shown_as_other():
    for status in report_format.STATUSES:
        run = runner.StageRun(1, report(1, 1, cap("variable-box", 1, status)))
        assert matrix.cell_status(run, "variable-box") in matrix.SYMBOLS
    odd = runner.StageRun(1, report(1, 1, cap("variable-box", 1, "someday")))
    assert "○ another status" in matrix.render_grid([odd])
    step = registry.Step(1, "Box", "상자", 1, True, "Variable")
    text, _ = render_text.render_report(report(1, None, cap("variable-box", 1, "someday")), step)
    assert "  someday: variable-box" in text.splitlines()
    for status in report_format.STATUSES:  # every status the report knows is shown as such
        text, _ = render_text.render_report(report(2, None, cap("variable-box", 1, status)), step)
        assert "variable-box" in text, status


# --- matrix progress without a terminal -------------------------------------------------------


def test_matrix_prints_a_line_per_finished_stage_when_stderr_is_not_a_terminal(
        repo, monkeypatch, capsys):
    runs = {1: sample_runs()[0], 2: sample_runs()[1]}
    fake_steps(monkeypatch, lambda step, workdir, timeout: runs[step])
    assert not sys.stderr.isatty()
    matrix_status = cli.main(["matrix", "--stages", "1-2"])
    assert matrix_status == 1
    err = capsys.readouterr().err.splitlines()
    assert "  step 16: 2 pass, 0 fail, 1 arriving (1.5 s)" in err
    assert "  step 17: 1 pass, 1 fail, 1 fixed (2.0 s)" in err


# --- demo N --help ----------------------------------------------------------------------------


def test_demo_help_with_a_step_shows_the_demos_own_options(repo, capfd):
    argv_demo(4)
    assert cli.main(["demo", "4", "--help"]) == 0
    out = capfd.readouterr().out
    assert "demo 4's own options" in out
    assert "ARGS ['--help']" in out


def test_demo_help_without_a_step_explains_pass_through(repo, capsys):
    assert cli.main(["demo", "--help"]) == 0
    out = capsys.readouterr().out
    assert "pass through to the demo" in out
    assert "demo N --help" in out


def test_demo_never_takes_an_unknown_option_for_a_short_form_of_its_own(repo, capfd):
    argv_demo(4)
    assert cli.main(["demo", "4", "--o", "3"]) == 0
    assert "ARGS ['--out', 'out/step04', '--o', '3']" in capfd.readouterr().out


def test_demo_without_a_step_says_so(repo, capsys):
    assert cli.main(["demo"]) == 2
    assert "python -m tools demo N" in capsys.readouterr().err


# --- files written at the repository root -----------------------------------------------------


def test_files_the_commands_write_at_the_root_are_ignored_by_git():
    root = registry.ROOT
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    written = ["matrix.md", "matrix.html", "matrix.json", "step17.html"]
    ignored = subprocess.run(["git", "check-ignore", *written], cwd=root,
                             capture_output=True, text=True).stdout.split()
    assert ignored == written
    tracked_but_ignored = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"], cwd=root,
        capture_output=True, text=True).stdout.split()
    assert tracked_but_ignored == []
