"""list, show, diff, new, demo, and the errors every command gives for bad input."""

import subprocess
import sys

import pytest

from dezero_stages import registry, suite
from tools import cli, lock, new, runner
from tools.tests.conftest import argv_demo


def test_list_shows_every_manifest_step(repo, capsys):
    assert cli.main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7
    assert lines[0].split()[:2] == ["1", "step01"]
    assert "(no code: served by step04)" in lines[4]
    assert "(not built)" in lines[6]


def test_show_names_stage_files_and_capabilities(repo, capsys):
    assert cli.main(["show", "4"]) == 0
    out = capsys.readouterr().out
    assert "step 4: Numerical differentiation (수치 미분)" in out
    assert "stages/step04" in out
    assert "dezero/__init__.py" in out
    assert "numerical-diff" in out  # from shared_tests/capabilities.py


def test_show_a_step_without_code_names_the_serving_stage(repo, capsys):
    assert cli.main(["show", "5"]) == 0
    assert "stages/step04  (no code in step 5)" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["diff", "1", "9"], ["demo", "9"], ["carry", "9", "x"]])
def test_unknown_stage_lists_the_valid_ones(repo, capsys, argv):
    assert cli.main(argv) == 2
    assert "unknown stage 9: valid stages are 1-6" in capsys.readouterr().err


def test_diff_stat_counts_lines_like_git(repo, capsys):
    init = registry.stage_dir(2) / "dezero" / "__init__.py"
    init.write_text(init.read_text() + "\n\ndef cube(x):\n    return x ** 3\n")
    assert cli.main(["diff", "1", "2", "--stat"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # demo.py: docstring, OUT and print lines change; __init__: heading, __step__, +4 lines.
    assert lines == [
        " dezero/__init__.py | 8 ++++++--",
        " demo.py            | 6 +++---",
        " 2 files changed, 9 insertions(+), 5 deletions(-)",
    ]


def test_diff_only_package_leaves_out_the_demo(repo, capsys):
    assert cli.main(["diff", "1", "2", "--stat", "--only-package"]) == 0
    out = capsys.readouterr().out
    assert "demo.py" not in out
    assert "1 file changed, 2 insertions(+), 2 deletions(-)" in out


def test_diff_is_plain_unless_colour_is_asked_for(repo, capsys):
    assert cli.main(["diff", "1", "2"]) == 0
    plain = capsys.readouterr().out
    assert "\x1b[" not in plain
    assert "--- step01/dezero/__init__.py" in plain
    assert "+__step__ = 2" in plain
    assert cli.main(["diff", "1", "2", "--color", "always"]) == 0
    assert "\x1b[32m+__step__ = 2\x1b[0m" in capsys.readouterr().out


def test_diff_html_has_one_table_per_file_and_handles_added_files(repo, capsys, tmp_path):
    (registry.stage_dir(2) / "dezero" / "utils.py").write_text("def f():\n    pass\n")
    target = tmp_path / "reports" / "diff.html"
    assert cli.main(["diff", "1", "2", "--html", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    assert page.count('<table class="diff"') == 3
    assert "dezero/utils.py (added, +2 −0)" in page
    assert "wrote" in capsys.readouterr().out


def test_new_copies_forward_and_marks_the_new_step(repo, capsys):
    cache = registry.stage_dir(6) / "dezero" / "__pycache__"
    cache.mkdir()
    (cache / "__init__.cpython-311.pyc").write_bytes(b"\0")
    (registry.stage_dir(6) / ".ruff_cache").mkdir()
    assert cli.main(["new", "7"]) == 0
    out = capsys.readouterr().out
    text = (registry.stage_dir(7) / "dezero" / "__init__.py").read_text()
    assert text.startswith('"""DeZero as it stands after step 07: Automating backpropagation.\n')
    assert "\n__step__ = 7\n" in text
    assert "__step__ = 6" not in text
    assert 'OUT = "out/step07"' in (registry.stage_dir(7) / "demo.py").read_text()
    assert "python -m tools freeze" in out
    assert 7 in registry.built_stages()
    assert sorted(lock.stage_files(registry.stage_dir(7))) == ["demo.py", "dezero/__init__.py"]
    assert not (registry.stage_dir(7) / ".ruff_cache").exists()
    assert not (registry.stage_dir(7) / "dezero" / "__pycache__").exists()
    assert not [p for p in registry.STAGES_DIR.iterdir() if p.name.startswith(".")]


def test_new_refuses_an_existing_stage_and_a_step_without_code(repo, capsys):
    before = (registry.stage_dir(6) / "dezero" / "__init__.py").read_text()
    assert cli.main(["new", "6"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (registry.stage_dir(6) / "dezero" / "__init__.py").read_text() == before
    assert cli.main(["new", "5"]) == 1
    assert "has no code" in capsys.readouterr().err


def test_bump_module_handles_a_one_line_docstring():
    step = registry.Step(23, "Packaging", "패키지로 정리", 2, True, "a package")
    text = '"""DeZero as it stands after step 22: Operator overloading (3)."""\n__step__ = 22\n'
    assert new.bump_module(text, step) == (
        '"""DeZero as it stands after step 23: Packaging."""\n__step__ = 23\n')


def test_demo_passes_out_and_extra_arguments(repo, capfd):
    argv_demo(4, exit_status=3)
    assert cli.main(["demo", "5", "--epochs", "2"]) == 3  # step 5 is served by stage 4
    captured = capfd.readouterr()
    assert "ARGS ['--out', 'out/step05', '--epochs', '2']" in captured.out
    assert "running the demo of stage 4" in captured.err


def test_grade_explains_what_it_looked_for(repo, capsys, tmp_path):
    empty = tmp_path / "mine"
    empty.mkdir()
    assert cli.main(["grade", "4", str(empty)]) == 2
    err = capsys.readouterr().err
    assert str(empty / "dezero" / "__init__.py") in err
    assert str(empty / "dezero.py") in err


def test_grade_rejects_a_step_the_manifest_lacks(repo, capsys, tmp_path):
    (tmp_path / "dezero.py").write_text("")
    assert cli.main(["grade", "99", str(tmp_path)]) == 2
    assert "the suite cannot grade step 99: it grades steps 1-7" in capsys.readouterr().err


def test_unknown_options_are_refused_except_for_demo(repo, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["list", "--bogus"])
    assert exit_info.value.code == 2
    assert "--bogus" in capsys.readouterr().err


def test_suite_command_follows_the_plugin_contract(tmp_path, monkeypatch):
    # matrix, grade and mutants all run the suite through runner.run_suite, which asks
    # dezero_stages.suite for the command line.
    seen = []

    def fake_run(command, **kwargs):
        seen.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(runner.subprocess, "run", fake_run)
    runner.run_suite(17, tmp_path / "r.json")
    command = seen[-1]
    assert command[:5] == [sys.executable, "-m", "pytest", str(suite.SUITE_DIR), "--stage"]
    assert command[5] == "17"
    assert ["-p", "no:xdist"] == command[command.index("-q") + 1:][:2]
    assert command[-3:] == ["--capability-json", str(tmp_path / "r.json"),
                            "--no-capability-report"]
    runner.run_suite(17, tmp_path / "r.json", impl=tmp_path)
    with_impl = seen[-1]
    assert with_impl[with_impl.index("--impl"):][:2] == ["--impl", str(tmp_path)]


def test_diff_shows_a_new_module_against_the_file_it_was_made_from(repo, capsys):
    # Like step 23: the framework moves from __init__.py into core_simple.py (one line
    # changes) and __init__.py is rewritten as a short list of imports.
    package = registry.stage_dir(2) / "dezero"
    body = (package / "__init__.py").read_text()
    (package / "core_simple.py").write_text(body.replace("__step__ = 2", "SIMPLE = True"))
    (package / "__init__.py").write_text("from dezero.core_simple import *  # noqa\n")
    assert cli.main(["diff", "1", "2", "--only-package"]) == 0
    out = capsys.readouterr().out
    assert "--- step01/dezero/__init__.py\n+++ step02/dezero/core_simple.py" in out
    assert "+SIMPLE = True" in out
    # The rewritten __init__.py is shown as new, not as a deletion of the whole framework.
    assert "--- /dev/null\n+++ step02/dezero/__init__.py" in out
    assert cli.main(["diff", "1", "2", "--only-package", "--stat"]) == 0
    assert "dezero/core_simple.py (from dezero/__init__.py)" in capsys.readouterr().out


def test_diff_keeps_an_unrelated_new_file_as_added(repo, capsys):
    (registry.stage_dir(2) / "dezero" / "utils.py").write_text("def f():\n    pass\n")
    assert cli.main(["diff", "1", "2", "--only-package"]) == 0
    assert "--- /dev/null\n+++ step02/dezero/utils.py" in capsys.readouterr().out
