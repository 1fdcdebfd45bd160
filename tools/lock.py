"""freeze and check: the lock file of content hashes, and what counts as a stage's content.

    freeze               record content hashes of every stage in stages/stages.lock
    check                fail, naming stage and file, where a stage differs from the lock
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import pathlib
import sys

from dezero_stages import registry
from dezero_stages.fileio import write_atomic
from tools.common import Command, CommandError, plural, rel_to_root

Path = pathlib.Path


def is_stage_content(rel: pathlib.PurePath) -> bool:
    """Whether a path inside a stage folder belongs to the stage (and so to the lock).

    Left out: bytecode (__pycache__/, *.pyc), hidden files and folders that tools leave
    behind (.ruff_cache/, .pytest_cache/, .DS_Store) and a demo's `out/` folder.
    """
    if rel.suffix == ".pyc" or rel.parts[0] == "out":
        return False
    return not any(part == "__pycache__" or part.startswith(".") for part in rel.parts)


def ignore_non_content(folder: Path):
    """A shutil.copytree `ignore` that copies only stage content (see is_stage_content)."""
    def ignore(directory, names):
        rel = Path(directory).relative_to(folder)
        return [name for name in names if not is_stage_content(rel / name)]
    return ignore


def stage_files(folder: Path) -> dict[str, Path]:
    """Every file of a stage folder by its relative POSIX path (see is_stage_content)."""
    files = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and is_stage_content(rel):
            files[rel.as_posix()] = path
    return files


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stage_hashes() -> dict[str, dict[str, str]]:
    """{"step01": {"demo.py": sha256, ...}, ...} for every built stage, as it is on disk."""
    hashes = {}
    for n in registry.built_stages():
        files = stage_files(registry.stage_dir(n))
        hashes[registry.folder_name(n)] = {rel: sha256(path) for rel, path in files.items()}
    return hashes


def read_lock() -> dict[str, dict[str, str]]:
    path = registry.lock_path()
    if not path.is_file():
        raise CommandError(
            f"no lock file {rel_to_root(path)}: run `python -m tools freeze` to create it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise CommandError(f"{rel_to_root(path)} is not valid JSON ({err}); "
                           "restore it from git or run `python -m tools freeze`") from None
    well_formed = isinstance(data, dict) and all(
        isinstance(files, dict) and all(isinstance(h, str) for h in files.values())
        for files in data.values())
    if not well_formed:
        raise CommandError(f"{rel_to_root(path)} is not a lock file "
                           '({"stepNN": {"file": "sha256", ...}, ...})')
    return data


def write_lock(hashes: dict[str, dict[str, str]]) -> None:
    write_atomic(registry.lock_path(), json.dumps(hashes, indent=2, sort_keys=True) + "\n")


@dataclasses.dataclass(frozen=True)
class LockDifference:
    stage: str  # "step17"
    file: str | None  # None: the whole stage
    kind: str  # one of the MESSAGES keys

    MESSAGES = {
        "changed": "changed since freeze",
        "new-file": "not in the lock (new file)",
        "missing-file": "missing (in the lock, not on disk)",
        "new-stage": "stage folder not in the lock (new stage)",
        "gone-stage": "in the lock, but there is no such stage folder",
    }

    def __str__(self) -> str:
        where = self.stage if self.file is None else f"{self.stage}/{self.file}"
        return f"{where}: {self.MESSAGES[self.kind]}"


def compare_lock(lock: dict, disk: dict) -> list[LockDifference]:
    """Every way the stages on disk differ from the lock, in stage then file order."""
    found = []
    for stage in sorted(lock.keys() | disk.keys()):
        if stage not in lock:
            found.append(LockDifference(stage, None, "new-stage"))
            continue
        if stage not in disk:
            found.append(LockDifference(stage, None, "gone-stage"))
            continue
        locked, current = lock[stage], disk[stage]
        for rel in sorted(locked.keys() | current.keys()):
            if rel not in locked:
                found.append(LockDifference(stage, rel, "new-file"))
            elif rel not in current:
                found.append(LockDifference(stage, rel, "missing-file"))
            elif locked[rel] != current[rel]:
                found.append(LockDifference(stage, rel, "changed"))
    return found


def summarise_lock_changes(differences: list[LockDifference]) -> list[str]:
    """One line per stage whose lock entry changes, for freeze and carry."""
    by_stage = collections.defaultdict(list)
    for d in differences:
        by_stage[d.stage].append(d)
    lines = []
    for stage, diffs in by_stage.items():
        if diffs[0].kind == "new-stage":
            lines.append(f"{stage}: new stage")
        elif diffs[0].kind == "gone-stage":
            lines.append(f"{stage}: removed (no stage folder)")
        else:
            verbs = {"changed": "changed", "new-file": "added", "missing-file": "removed"}
            files = ", ".join(f"{d.file} ({verbs[d.kind]})" for d in diffs)
            lines.append(f"{stage}: {files}")
    return lines


def freeze() -> tuple[dict[str, dict[str, str]], list[LockDifference] | None]:
    """Write the lock from the stages on disk.

    Returns the hashes written and how they differ from the old lock (None: no old lock).
    """
    hashes = stage_hashes()
    old = None
    if registry.lock_path().is_file():
        try:
            old = read_lock()
        except CommandError as err:
            print(f"warning: replacing an unreadable lock: {err}", file=sys.stderr)
    write_lock(hashes)
    return hashes, None if old is None else compare_lock(old, hashes)


def _count(hashes: dict[str, dict[str, str]]) -> str:
    n_files = sum(len(files) for files in hashes.values())
    return f"{plural(len(hashes), 'stage')}, {plural(n_files, 'file')}"


def freeze_and_report() -> list[LockDifference] | None:
    """Write the lock (see freeze), then say what changed in it: for freeze and carry."""
    hashes, changes = freeze()
    where = rel_to_root(registry.lock_path())
    if changes is None:
        print(f"created {where}: {_count(hashes)}")
    elif not changes:
        print(f"{where} unchanged: {_count(hashes)}")
    else:
        print(f"updated {where}; stages that changed:")
        for line in summarise_lock_changes(changes):
            print(f"  {line}")
    return changes


def run_freeze(args) -> int:
    freeze_and_report()
    return 0


def run_check(args) -> int:
    lock = read_lock()
    disk = stage_hashes()
    differences = compare_lock(lock, disk)
    where = rel_to_root(registry.lock_path())
    if differences:
        for d in differences:
            print(d)
        stages = len({d.stage for d in differences})
        print(f"check failed: {plural(len(differences), 'difference')} from {where} in "
              f"{plural(stages, 'stage')}; a frozen stage changes only through "
              "`python -m tools carry`, then `python -m tools freeze`", file=sys.stderr)
        return 1
    n_files = sum(len(files) for files in disk.values())
    print(f"all {plural(len(disk), 'stage')} ({plural(n_files, 'file')}) match {where}")
    return 0


COMMANDS = (
    Command("freeze", "record every stage's content hashes in the lock file", run_freeze),
    Command("check", "compare every stage with the lock file", run_check),
)
