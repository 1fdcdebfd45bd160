"""A small fake repository for the CLI tests: a manifest and a few tiny stages in tmp_path.

The registry reads STAGES_DIR and MANIFEST at call time, so pointing them at tmp_path makes
every command work on the copy; the real stages/ and stages.lock are never touched.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import pytest

from dezero_stages import registry

MANIFEST = """
[[step]]
number = 1
title = "Variable as a box"
title_ko = "상자로서의 변수"
milestone = 1
code = true
adds = "Variable"

[[step]]
number = 2
title = "Functions that make variables"
title_ko = "변수를 낳는 함수"
milestone = 1
code = true
adds = "Function"

[[step]]
number = 3
title = "Chaining functions"
title_ko = "함수 연결"
milestone = 1
code = true
adds = "Exp"

[[step]]
number = 4
title = "Numerical differentiation"
title_ko = "수치 미분"
milestone = 1
code = true
adds = "numerical_diff"

[[step]]
number = 5
title = "Backpropagation, theory"
title_ko = "역전파 이론"
milestone = 1
code = false
adds = "no code"

[[step]]
number = 6
title = "Manual backpropagation"
title_ko = "수동 역전파"
milestone = 1
code = true
adds = "grad"

[[step]]
number = 7
title = "Automating backpropagation"
title_ko = "역전파 자동화"
milestone = 1
code = true
adds = "creator links"
"""

BUILT = (1, 2, 3, 4, 6)

# The body every fake stage shares; `carry` tests patch the `square` function.
BODY = '''
import numpy as np


class Variable:
    def __init__(self, data):
        self.data = data


def helper():
    return 1


def square(x):
    return x ** 3  # the defect the carry tests fix


def exp(x):
    return np.exp(x)
'''


def stage_source(step: int, title: str) -> str:
    heading = f"DeZero as it stands after step {step:02d}: {title}."
    return f'"""{heading}\n"""\n\n__step__ = {step}\n{BODY}'


def demo_source(step: int) -> str:
    return (f'"""Step {step:02d} demo."""\nOUT = "out/step{step:02d}"\n'
            f'print("demo of step {step}")\n')


def argv_demo(step: int, exit_status: int = 0) -> None:
    """Make stage `step`'s demo.py print the arguments it gets, then exit with a status."""
    (registry.stage_dir(step) / "demo.py").write_text(
        f"import sys\nprint('ARGS', sys.argv[1:])\nsys.exit({exit_status})\n")


@pytest.fixture
def repo(tmp_path, monkeypatch) -> pathlib.Path:
    """tmp_path/stages with steps 1-7 in the manifest, 1-4 and 6 built (5 has no code)."""
    stages = tmp_path / "stages"
    stages.mkdir()
    (tmp_path / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    titles = {1: "Variable as a box", 2: "Functions that make variables",
              3: "Chaining functions", 4: "Numerical differentiation",
              6: "Manual backpropagation"}
    for step in BUILT:
        folder = stages / f"step{step:02d}"
        (folder / "dezero").mkdir(parents=True)
        (folder / "dezero" / "__init__.py").write_text(stage_source(step, titles[step]),
                                                       encoding="utf-8")
        (folder / "demo.py").write_text(demo_source(step), encoding="utf-8")
    monkeypatch.setattr(registry, "STAGES_DIR", stages)
    monkeypatch.setattr(registry, "MANIFEST", tmp_path / "manifest.toml")
    return tmp_path


@pytest.fixture
def git_repo(repo) -> pathlib.Path:
    """The fake repository as a git work tree (carry runs `git apply` from its root)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    return repo


def fake_steps(monkeypatch, run_one):
    """Make `tools matrix` take each step's StageRun from run_one(step, workdir, timeout)."""
    from tools import matrix

    def run_steps(steps, workdir, jobs, timeout, on_finish, one_process_per_step=False):
        runs = []
        for step in steps:
            runs.append(run_one(step, workdir, timeout))
            on_finish(runs[-1])
        return runs

    monkeypatch.setattr(matrix, "run_steps", run_steps)
