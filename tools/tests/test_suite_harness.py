"""The shared suite's harness itself (shared_tests/conftest.py), run as a plugin on tiny files.

These run pytest in a subprocess against a throwaway test file, so the rules hold for any
test anyone adds: a test must name a known capability, and the capability decides whether it
runs on a stage.
"""

import subprocess
import sys

from dezero_stages import registry


def run_suite(tmp_path, body: str, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_probe.py").write_text(body, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "shared_tests.conftest", "-p", "no:cacheprovider",
         "-q", str(tmp_path / "test_probe.py"), *args],
        cwd=registry.ROOT, capture_output=True, text=True, timeout=120,
    )


def test_a_test_without_a_capability_is_an_error_at_collection(tmp_path):
    result = run_suite(tmp_path, "def test_unmarked():\n    assert True\n", "--stage", "3")
    assert result.returncode != 0
    assert "test_probe.py::test_unmarked: no @pytest.mark.capability('name')" in result.stderr


def test_an_unknown_capability_is_an_error_at_collection(tmp_path):
    body = ("import pytest\n\n@pytest.mark.capability('telepathy')\n"
            "def test_x():\n    assert True\n")
    result = run_suite(tmp_path, body, "--stage", "3")
    assert result.returncode != 0
    assert "unknown capability 'telepathy'" in result.stderr


def test_a_capability_runs_from_its_step_and_is_left_out_before(tmp_path):
    body = ("import pytest\n\n@pytest.mark.capability('weakref-outputs')\n"
            "def test_x():\n    assert True\n")
    early = run_suite(tmp_path, body, "--stage", "16")
    assert early.returncode == 5  # no test ran: it is not step 16's
    assert "1 deselected" in early.stdout
    assert "weakref-outputs          arrives in step 17" in early.stdout
    assert "1 passed" in run_suite(tmp_path, body, "--stage", "17").stdout


def test_a_pin_runs_only_until_its_fix(tmp_path):
    body = ("import pytest\n\n@pytest.mark.capability('cycle-survives')\n"
            "def test_x():\n    assert True\n")
    assert "1 passed" in run_suite(tmp_path, body, "--stage", "16").stdout
    late = run_suite(tmp_path, body, "--stage", "17")
    assert "1 deselected" in late.stdout
    assert "cycle-survives (step 17)" in late.stdout  # "limitations fixed by now: ..."


def test_an_unknown_stage_lists_the_valid_ones(tmp_path):
    result = run_suite(tmp_path, "", "--stage", "99")
    assert result.returncode != 0
    assert "unknown stage 99: valid stages are 1-" in result.stderr
