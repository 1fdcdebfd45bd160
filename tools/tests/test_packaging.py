"""What `pip install` of this repository must carry, checked without building the wheel.

The wheel itself is built, installed into a fresh venv and run by `nox -s install`; these
check the rules it relies on: dezero_stages is standard library only, the suite and its
files are in the package data, the installed suite is found and run with its own settings.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import pathlib
import subprocess
import sys
import tomllib

from dezero_stages import registry, suite

ROOT = registry.ROOT
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def imported_modules(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_dezero_stages_imports_only_the_standard_library():
    for path in sorted((ROOT / "dezero_stages").glob("*.py")):
        outside = imported_modules(path) - set(sys.stdlib_module_names) - {"dezero_stages"}
        # batch imports what a step needs inside the worker's functions (run_step, and
        # _preload before forking), never at import: only a worker process runs them.
        if path.name == "batch.py":
            outside -= {"pytest", "numpy", "hypothesis"}
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_the_wheel_carries_the_grader_and_the_suite():
    tool = PYPROJECT["tool"]["setuptools"]
    assert tool["packages"] == ["dezero_stages", "dezero_stages.shared_tests"]
    assert tool["package-dir"] == {"dezero_stages.shared_tests": "shared_tests"}
    assert PYPROJECT["project"]["scripts"] == {"dezero-stages": "dezero_stages.cli:main"}
    module, _, function = PYPROJECT["project"]["scripts"]["dezero-stages"].partition(":")
    assert callable(getattr(importlib.import_module(module), function))
    needed = {req.split(">")[0].split("=")[0] for req in PYPROJECT["project"]["dependencies"]}
    assert {"numpy", "pytest", "hypothesis"} <= needed


def test_every_file_the_package_needs_is_package_data():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for name in ("manifest.toml", "pytest.ini"):
        assert (ROOT / "dezero_stages" / name).is_file()
        assert name in data["dezero_stages"]
    tracked = subprocess.run(["git", "ls-files", "shared_tests"], cwd=ROOT, capture_output=True,
                             text=True).stdout.split()
    for rel in tracked:
        name = pathlib.PurePosixPath(rel).relative_to("shared_tests")
        if name.suffix == ".py":
            assert len(name.parts) == 1, f"{rel}: a subfolder of the suite is not packaged"
            continue
        assert any(fnmatch.fnmatch(str(name), pattern)
                   for pattern in data["dezero_stages.shared_tests"]), (
            f"{rel} would not be in the wheel: add its pattern to "
            "[tool.setuptools.package-data] in pyproject.toml")


def test_the_installed_suite_runs_with_the_same_settings_as_the_clones():
    # pyproject's [tool.pytest.ini_options] in a clone; dezero_stages/pytest.ini installed.
    clone = PYPROJECT["tool"]["pytest"]["ini_options"]
    text = (ROOT / "dezero_stages" / "pytest.ini").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith(("#", "["))]
    assert f"addopts = {clone['addopts']}" in lines
    assert lines[lines.index("filterwarnings =") + 1:] == clone["filterwarnings"]


def test_an_installed_suite_is_found_and_given_its_settings(tmp_path, monkeypatch):
    assert suite.SUITE_DIR == ROOT / "shared_tests"  # in the clone
    assert suite.CONFIG is None
    assert "-c" not in suite.pytest_command(17)
    installed = tmp_path / "shared_tests"
    installed.mkdir()
    (installed / "conftest.py").write_text("")
    monkeypatch.setattr(suite, "_INSTALLED_SUITE", installed)
    assert suite._suite_dir() == installed
    monkeypatch.setattr(suite, "SUITE_DIR", installed)
    monkeypatch.setattr(suite, "CONFIG", tmp_path / "pytest.ini")
    command = suite.pytest_command(17, impl=tmp_path, strict=True)
    assert command[3] == str(installed)
    assert command[command.index("-c") + 1] == str(tmp_path / "pytest.ini")
    assert command[command.index("--rootdir") + 1] == str(tmp_path)
    assert "--strict-grading" in command
