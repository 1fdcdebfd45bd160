"""freeze and check: the lock file of content hashes."""

import hashlib
import json

from dezero_stages import fileio, registry
from tools import cli


def freeze_quietly(capsys):
    assert cli.main(["freeze"]) == 0
    capsys.readouterr()


def test_freeze_writes_sorted_hashes_of_every_built_stage(repo, capsys):
    assert cli.main(["freeze"]) == 0
    assert "created" in capsys.readouterr().out
    text = registry.lock_path().read_text(encoding="utf-8")
    lock = json.loads(text)
    assert text.endswith("}\n")
    assert text == json.dumps(lock, indent=2, sort_keys=True) + "\n"
    assert sorted(lock) == ["step01", "step02", "step03", "step04", "step06"]
    assert sorted(lock["step03"]) == ["demo.py", "dezero/__init__.py"]
    init = registry.stage_dir(3) / "dezero" / "__init__.py"
    assert lock["step03"]["dezero/__init__.py"] == hashlib.sha256(init.read_bytes()).hexdigest()


def test_check_passes_right_after_freeze(repo, capsys):
    freeze_quietly(capsys)
    assert cli.main(["check"]) == 0
    assert "all 5 stages (10 files) match" in capsys.readouterr().out


def test_caches_and_bytecode_are_not_part_of_a_stage(repo, capsys):
    freeze_quietly(capsys)
    folder = registry.stage_dir(2)
    (folder / "dezero" / "__pycache__").mkdir()
    (folder / "dezero" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"\0")
    (folder / ".ruff_cache").mkdir()
    (folder / ".ruff_cache" / "x").write_text("cache")
    (folder / "out" / "step02").mkdir(parents=True)
    (folder / "out" / "step02" / "figure.png").write_bytes(b"png")
    assert cli.main(["check"]) == 0


def test_one_changed_byte_fails_naming_stage_and_file(repo, capsys):
    freeze_quietly(capsys)
    init = registry.stage_dir(4) / "dezero" / "__init__.py"
    data = bytearray(init.read_bytes())
    data[-2] ^= 1
    init.write_bytes(bytes(data))
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == ["step04/dezero/__init__.py: changed since freeze"]


def test_new_and_missing_files_are_reported(repo, capsys):
    freeze_quietly(capsys)
    (registry.stage_dir(3) / "dezero" / "extra.py").write_text("x = 1\n")
    (registry.stage_dir(6) / "demo.py").unlink()
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["step03/dezero/extra.py: not in the lock (new file)",
                   "step06/demo.py: missing (in the lock, not on disk)"]


def test_new_stage_and_stale_lock_entry_are_reported(repo, capsys):
    freeze_quietly(capsys)
    lock = json.loads(registry.lock_path().read_text())
    lock["step09"] = {"demo.py": "0" * 64}
    del lock["step01"]
    registry.lock_path().write_text(json.dumps(lock))
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out
    assert "step01: stage folder not in the lock (new stage)" in out
    assert "step09: in the lock, but there is no such stage folder" in out


def test_check_without_a_lock_says_to_freeze(repo, capsys):
    assert cli.main(["check"]) == 1
    err = capsys.readouterr().err
    assert "no lock file stages/stages.lock" in err
    assert "python -m tools freeze" in err


def test_check_with_a_corrupt_lock_says_so(repo, capsys):
    registry.lock_path().write_text("{not json")
    assert cli.main(["check"]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_freeze_again_prints_the_stages_that_changed(repo, capsys):
    freeze_quietly(capsys)
    assert cli.main(["freeze"]) == 0
    assert "unchanged" in capsys.readouterr().out
    (registry.stage_dir(2) / "demo.py").write_text("print('changed')\n")
    assert cli.main(["freeze"]) == 0
    out = capsys.readouterr().out
    assert "step02: demo.py (changed)" in out
    assert "step01" not in out
    assert cli.main(["check"]) == 0


def test_atomic_write_leaves_only_the_target(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old")
    fileio.write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]
