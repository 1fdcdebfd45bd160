"""The `final` stage: the book's released package, the stage after step 60.

People type and read "final"; inside, it is the number naming.FINAL, ordered after 60.
These tests use the real stages/ tree: step 60 must be only what step 60 adds, and final
the rest of the released package.
"""

import difflib
import json
import shutil
import subprocess

import pytest

from dezero_stages import capabilities, naming, registry
from tools import cli

ROOT = registry.ROOT


def test_final_is_typed_and_read_as_final():
    assert naming.parse("final") == naming.parse("FINAL") == naming.FINAL > 60
    assert naming.parse("17") == 17
    assert naming.label(naming.FINAL) == "final" and naming.label(17) == "17"
    assert naming.folder_name(naming.FINAL) == "final"
    assert naming.folder_name(7) == "step07"
    with pytest.raises(ValueError, match="'fin' is not a step number or 'final'"):
        naming.parse("fin")


def test_ranges_name_final_apart():
    assert registry.describe_ranges([1, 2, 3, 5, naming.FINAL]) == "1-3, 5, final"
    assert registry.describe_ranges([naming.FINAL]) == "final"


def test_the_registry_serves_final_after_step_60():
    built = registry.built_stages()
    assert built[-2:] == [60, naming.FINAL]
    assert registry.resolve(naming.FINAL) == (naming.FINAL, registry.STAGES_DIR / "final")
    assert registry.session_steps()[-2:] == [60, naming.FINAL]
    with pytest.raises(registry.UnknownStageError, match="valid stages are 1-60, final"):
        registry.resolve(62)


def test_capabilities_only_the_released_package_has_arrive_in_final():
    resnet = capabilities.get("resnet")
    assert resnet.step == naming.FINAL
    assert resnet.skip_reason(60) == "resnet: arrives in final"
    assert resnet.applies_to(naming.FINAL)
    # What the book's step 60 itself adds stays in 60.
    assert {cap.name for cap in capabilities.arriving_in(60)} == {"lstm", "seq-dataloader"}


def _diff_files(capsys, a, b):
    assert cli.main(["diff", a, b, "--stat", "--only-package"]) == 0
    lines = capsys.readouterr().out.splitlines()[:-1]  # the last line is the total
    return {line.split("|")[0].strip() for line in lines}


def test_step_60_changes_only_what_step_60_adds(capsys):
    # L.LSTM in layers.py, SeqDataLoader in dataloaders.py, exported by __init__.py.
    assert _diff_files(capsys, "59", "60") == {
        "dezero/__init__.py", "dezero/dataloaders.py", "dezero/layers.py"}


def test_final_adds_the_rest_of_the_released_package(capsys):
    changed = _diff_files(capsys, "60", "final")
    assert {"dezero/functions.py", "dezero/layers.py", "dezero/models.py",
            "dezero/optimizers.py", "dezero/transforms.py", "dezero/datasets.py"} <= changed
    assert "dezero/core_simple.py" not in changed  # the simple core is step 60's, untouched
    # The core is step 60's but for the book's misspelt x.matmaul, which its package has.
    step60, final = ((ROOT / "stages" / name / "dezero" / "core.py").read_text().splitlines()
                     for name in ("step60", "final"))
    diff = [line for line in difflib.unified_diff(step60, final, lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert not [line for line in diff if line.startswith("-")]
    assert [line for line in diff if "def " in line] == ["+    def matmaul(self, W):"]


def test_list_and_show_name_the_final_stage(capsys):
    assert cli.main(["list"]) == 0
    last = capsys.readouterr().out.splitlines()[-1].split()
    assert last[:2] == ["final", "final"]
    assert cli.main(["show", "final"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("final: The book's released package")
    assert "stages/final" in out and "resnet" in out


def test_a_misspelt_stage_is_bad_input(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["show", "fianl"])
    assert exit_info.value.code == 2
    assert "'fianl' is not a step number or 'final'" in capsys.readouterr().err


def test_nox_has_a_session_for_final():
    # nox lives in the bootstrap venv (.ci/run and the README make it), not in .nox/env.
    nox = shutil.which("nox", path=str(ROOT / ".venv" / "bin")) or shutil.which("nox")
    if nox is None:
        pytest.skip("nox is not installed (python3 -m venv .venv && .venv/bin/pip install nox)")
    listing = subprocess.run([nox, "-l", "--json", "-t", "stages"], cwd=ROOT,
                             capture_output=True, text=True, check=True)
    sessions = {s["session"]: s for s in json.loads(listing.stdout)}
    assert "stages" in sessions["stage-final"]["tags"]
    assert "stage-61" not in sessions
