"""carry: one patch, every later stage, all or nothing, then a refreshed lock."""

import difflib

from dezero_stages import registry
from tools import carry, cli

FIXED = "    return x ** 2\n"
DEFECT = "    return x ** 3  # the defect the carry tests fix\n"


def init_path(step):
    return registry.stage_dir(step) / "dezero" / "__init__.py"


def fix_by_hand(step, repo):
    """Fix stage `step` and return the patch, as `git diff --relative` in it would give."""
    path = init_path(step)
    old = path.read_text().splitlines(keepends=True)
    new = [FIXED if line == DEFECT else line for line in old]
    assert new != old
    path.write_text("".join(new))
    patch = repo / "fix-square.patch"
    patch.write_text("".join(difflib.unified_diff(
        old, new, "a/dezero/__init__.py", "b/dezero/__init__.py")))
    return patch


def test_carry_patches_later_stages_and_refreshes_the_lock(git_repo, capsys):
    assert cli.main(["freeze"]) == 0
    patch = fix_by_hand(2, git_repo)
    capsys.readouterr()
    assert cli.main(["carry", "2", str(patch)]) == 0
    out = capsys.readouterr().out
    assert "step02: already has the fix, skipped" in out
    for step in (3, 4, 6):
        assert f"step{step:02d}: patched" in out
        assert FIXED in init_path(step).read_text()
    assert DEFECT in init_path(1).read_text()  # before N: untouched
    assert ("git add stages/step02 stages/step03 stages/step04 stages/step06 "
            "stages/stages.lock && git commit -m") in out
    assert cli.main(["check"]) == 0  # the lock was refreshed


def test_carry_is_all_or_nothing(git_repo, capsys):
    assert cli.main(["freeze"]) == 0
    patch = fix_by_hand(2, git_repo)
    # Stage 4 rewrote square() its own way: the patch cannot apply there.
    path = init_path(4)
    path.write_text(path.read_text().replace(DEFECT, "    return x * x * x\n"))
    before = {step: init_path(step).read_text() for step in (3, 6)}
    lock_before = registry.lock_path().read_text()
    capsys.readouterr()
    assert cli.main(["carry", "2", str(patch)]) == 1
    captured = capsys.readouterr()
    assert "step04: needs a manual fix" in captured.out
    assert "nothing was changed" in captured.err
    assert {step: init_path(step).read_text() for step in (3, 6)} == before
    assert registry.lock_path().read_text() == lock_before


def test_carry_when_every_stage_has_the_fix_changes_nothing(git_repo, capsys):
    patch = fix_by_hand(6, git_repo)
    assert cli.main(["carry", "6", str(patch)]) == 0
    out = capsys.readouterr().out
    assert "step06: already has the fix" in out
    assert "every stage already had the fix" in out


def test_carry_missing_patch_is_bad_input(git_repo, capsys):
    assert cli.main(["carry", "2", str(git_repo / "nope.patch")]) == 2
    assert "no patch file" in capsys.readouterr().err


def test_carry_warns_about_other_stages_that_changed(git_repo, capsys):
    assert cli.main(["freeze"]) == 0
    patch = fix_by_hand(3, git_repo)
    (registry.stage_dir(1) / "demo.py").write_text("print('edited')\n")
    capsys.readouterr()
    assert cli.main(["carry", "3", str(patch)]) == 0
    captured = capsys.readouterr()
    assert "warning: step01 also changed since the last freeze" in captured.err
    assert "git add stages/step03 stages/step04 stages/step06 stages/stages.lock" in captured.out


def test_carry_hints_at_paths_when_no_stage_takes_the_patch(git_repo, capsys):
    patch = fix_by_hand(2, git_repo)
    text = patch.read_text().replace("a/dezero/", "a/stages/step02/dezero/")
    patch.write_text(text.replace("b/dezero/", "b/stages/step02/dezero/"))
    assert cli.main(["carry", "2", str(patch)]) == 1
    assert "relative to a stage folder" in capsys.readouterr().err


def test_carry_follows_code_that_moved_to_other_modules(git_repo, capsys):
    # As in step 23 and 32: stage 4 moved the framework into core_simple.py, and stage 6
    # also copied it into core.py; both copies have the defect and both get the fix.
    assert cli.main(["freeze"]) == 0
    body = init_path(4).read_text()
    for step, modules in ((4, ["core_simple.py"]), (6, ["core_simple.py", "core.py"])):
        package = registry.stage_dir(step) / "dezero"
        for module in modules:
            (package / module).write_text(body)
        (package / "__init__.py").write_text("from dezero.core_simple import *  # noqa\n")
    patch = fix_by_hand(2, git_repo)
    capsys.readouterr()
    assert cli.main(["carry", "2", str(patch)]) == 0
    out = capsys.readouterr().out
    for step in (3, 4, 6):
        assert f"step{step:02d}: patched" in out
    assert FIXED in init_path(3).read_text()
    for step, module in ((4, "core_simple.py"), (6, "core_simple.py"), (6, "core.py")):
        text = (registry.stage_dir(step) / "dezero" / module).read_text()
        assert FIXED in text and DEFECT not in text
    assert "noqa" in init_path(6).read_text()  # the module the patch named stays as it was


def test_split_patch_cuts_plain_and_git_diffs_per_file():
    plain = ("--- a/dezero/__init__.py\n+++ b/dezero/__init__.py\n@@ -1 +1 @@\n-x\n+y\n"
             "--- a/demo.py\n+++ b/demo.py\n@@ -1 +1 @@\n-p\n+q\n")
    assert [p.path for p in carry.split_patch(plain)] == ["dezero/__init__.py", "demo.py"]
    git = ("diff --git a/dezero/core.py b/dezero/core.py\nindex 1..2 100644\n"
           "--- a/dezero/core.py\n+++ b/dezero/core.py\n@@ -1 +1 @@\n-x\n+y\n" + plain)
    pieces = carry.split_patch(git)
    assert [p.path for p in pieces] == ["dezero/core.py", "dezero/__init__.py", "demo.py"]
    retargeted = pieces[1].retarget("dezero/core_simple.py")
    assert retargeted.startswith("--- a/dezero/core_simple.py\n+++ b/dezero/core_simple.py")


def test_carry_until_stops_at_the_given_stage(git_repo, capsys):
    # Stage 6 rewrote square() its own way (it gets its own patch): --until 4 leaves it out.
    path = init_path(6)
    path.write_text(path.read_text().replace(DEFECT, "    return x * x * x\n"))
    assert cli.main(["freeze"]) == 0
    patch = fix_by_hand(2, git_repo)
    capsys.readouterr()
    assert cli.main(["carry", "2", str(patch), "--until", "4"]) == 0
    out = capsys.readouterr().out
    assert "step03: patched" in out and "step04: patched" in out
    assert "step06" not in out
    assert "    return x * x * x\n" in init_path(6).read_text()
    assert cli.main(["check"]) == 0


def test_carry_until_before_the_first_stage_is_bad_input(git_repo, capsys):
    patch = fix_by_hand(3, git_repo)
    assert cli.main(["carry", "3", str(patch), "--until", "2"]) == 2
