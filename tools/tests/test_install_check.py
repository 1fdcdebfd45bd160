"""tools/install_check.py's judging and fixtures, without building anything.

`nox -s install` runs the whole check (the wheel built, installed and graded); these make
sure each verdict comes from the exit status and the JSON report, and that a wrong one is
caught.
"""

from __future__ import annotations

import pathlib

from tools import install_check as ic

LEARNERS = pathlib.Path(__file__).resolve().parent / "learners"


def report(step=17, **statuses):
    caps = [{"name": "weakref-outputs", "status": "pass"}, {"name": "no-grad", "status": "arrives"}]
    caps += [{"name": name.replace("_", "-"), "status": s} for name, s in statuses.items()]
    return {"schema": 2, "step": step, "capabilities": caps}


def test_a_passing_grade_passes():
    assert ic.judge_grade("g", 0, report(), step=17, passes=True,
                          passed=("weakref-outputs",)) == []


def test_a_grade_must_exit_as_expected_whatever_the_report_says():
    problems = ic.judge_grade("g", 1, report(), step=17, passes=True)
    assert problems == ["g: exit status 1, expected 0"]
    assert "g: exit status 0, expected 1" in ic.judge_grade(
        "g", 0, report(cleargrad="fail"), step=17, passes=False)


def test_a_failed_capability_fails_a_grade_that_must_pass():
    problems = ic.judge_grade("g", 0, report(cleargrad="fail"), step=17, passes=True)
    assert problems == ["g: failed capabilities ['cleargrad']"]


def test_a_failing_grade_must_fail_the_named_capability():
    broken = report(cleargrad="fail")
    assert ic.judge_grade("g", 1, broken, step=17, passes=False, failed=("cleargrad",)) == []
    problems = ic.judge_grade("g", 1, broken, step=17, passes=False,
                              failed=("weakref-outputs",))
    assert problems == ["g: weakref-outputs is 'pass', expected 'fail'"]
    assert ic.judge_grade("g", 1, report(), step=17, passes=False) == [
        "g: no capability failed"]


def test_no_report_a_malformed_one_or_another_step_is_a_problem():
    assert ic.judge_grade("g", 0, None, step=17, passes=True) == ["g: no JSON report"]
    assert "malformed" in ic.judge_grade("g", 0, {"step": 17}, step=17, passes=True)[0]
    assert ic.judge_grade("g", 0, report(step=9), step=17, passes=True) == [
        "g: the report says step 9, expected 17"]
    assert ic.judge_grade("g", 0, report(), step=17, passes=True, passed=("gone",)) == [
        "g: gone is 'absent', expected 'pass'"]


def test_junit_must_parse_hold_cases_and_none_failed(tmp_path):
    path = tmp_path / "r.xml"
    assert ic.judge_junit("j", path)[0].startswith("j: no readable JUnit XML")
    path.write_text("<testsuites><testsuite/></testsuites>")
    assert ic.judge_junit("j", path) == ["j: JUnit XML r.xml holds no test case"]
    path.write_text('<testsuites><testsuite><testcase name="a"/>'
                    '<testcase name="b"><failure message="x"/></testcase>'
                    '<testcase name="c"><skipped/></testcase></testsuite></testsuites>')
    assert ic.judge_junit("j", path) == ["j: JUnit XML r.xml has failed cases ['b']"]
    path.write_text('<testsuites><testsuite><testcase name="a"/></testsuite></testsuites>')
    assert ic.judge_junit("j", path) == []


def test_the_installed_package_must_be_the_venvs_without_stages(tmp_path):
    venv = tmp_path / "venv"
    good = {"file": str(venv / "lib" / "dezero_stages" / "__init__.py"), "version": "0.1.0",
            "stages": [], "suite": "s", "suite_conftest": True, "config": "pytest.ini"}
    assert ic.judge_installed(good, venv=venv, version="0.1.0") == []
    bad = {**good, "file": "/clone/dezero_stages/__init__.py", "stages": [17],
           "suite_conftest": False, "config": None}
    problems = ic.judge_installed(bad, venv=venv, version="0.2.0")
    assert len(problems) == 5


def test_the_broken_copy_changes_one_line_of_a_copy(tmp_path):
    copy = ic.broken_copy(LEARNERS / "step17", tmp_path / "step17", "weakref-outputs")
    original = (LEARNERS / "step17" / "dezero.py").read_text(encoding="utf-8")
    broken = (copy / "dezero.py").read_text(encoding="utf-8")
    assert broken != original
    assert len(broken.splitlines()) == len(original.splitlines())


def test_the_book_imports_copy_imports_matplotlib_and_pil_first(tmp_path):
    copy = ic.book_imports_copy(LEARNERS / "step09", tmp_path / "step09")
    text = (copy / "dezero.py").read_text(encoding="utf-8")
    assert text.startswith("import matplotlib.pyplot as plt")
    assert "from PIL import Image" in text.splitlines()[1]
    assert text.endswith((LEARNERS / "step09" / "dezero.py").read_text(encoding="utf-8"))


def test_the_book_extra_brings_what_the_books_package_imports_and_the_workflow_installs_it():
    import tomllib

    root = LEARNERS.parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    names = {req.split(">")[0].split("=")[0].lower() for req in extras["book"]}
    assert names == {"matplotlib", "pillow"}
    assert "dezero-stages[book]" in extras["test"]  # the suite's own env has them too
    workflow = (root / "docs" / "learner-grade-workflow.yml").read_text(encoding="utf-8")
    assert '"dezero-stages[book] @ git+https://' in workflow


def test_code_that_could_not_be_imported_must_say_what_to_install():
    error = {"file": "dezero.py", "line": 1, "error": "ModuleNotFoundError: No module named "
             "'matplotlib'", "hint": "the book's package imports matplotlib: install "
             "dezero-stages[book]"}
    ok = {**report(step=9), "load_error": error}
    assert ic.judge_load_error("b", 2, ok, hint="dezero-stages[book]") == []
    assert ic.judge_load_error("b", 1, ok, hint="dezero-stages[book]") == [
        "b: exit status 1, expected 2 (not imported)"]
    assert ic.judge_load_error("b", 2, report(step=9), hint="dezero-stages[book]") == [
        "b: the report has no load_error"]
    assert ic.judge_load_error("b", 2, None, hint="x") == ["b: no JSON report"]
    vague = {**ok, "load_error": {**error, "hint": ""}}
    assert "does not say dezero-stages[book]" in ic.judge_load_error(
        "b", 2, vague, hint="dezero-stages[book]")[0]


def test_a_learner_file_must_be_the_one_graded(tmp_path):
    graded = {**report(step=9), "dezero_file": str(tmp_path / "steps" / "step09.py")}
    assert ic.judge_grade("f", 0, graded, step=9, passes=True,
                          dezero_file=tmp_path / "steps" / "step09.py") == []
    assert ic.judge_grade("f", 0, graded, step=9, passes=True,
                          dezero_file=tmp_path / "step09" / "dezero.py") == [
        f"f: graded {tmp_path / 'steps' / 'step09.py'}, not {tmp_path / 'step09' / 'dezero.py'}"]
