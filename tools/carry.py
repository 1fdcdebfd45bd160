"""carry: one fix, every later stage, all or nothing, then a refreshed lock.

    carry N PATCH        apply one fix to stages N..last, all or nothing, then re-freeze
    carry N PATCH --until M
                         the same for stages N..M only: where the code of the stages
                         after M differs, so that one fix needs a patch per range
"""

from __future__ import annotations

import dataclasses
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile

from dezero_stages import registry
from tools.common import Command, CommandError, add_step_argument, plural, rel_to_root
from tools.lock import freeze_and_report, stage_files

Path = pathlib.Path


def _git_apply(stage: int, patch: Path, *options: str) -> subprocess.CompletedProcess:
    root = registry.STAGES_DIR.parent
    directory = registry.stage_dir(stage).relative_to(root).as_posix()
    return subprocess.run(
        ["git", "apply", "-p1", f"--directory={directory}", *options, str(patch)],
        cwd=root, capture_output=True, text=True,
    )


@dataclasses.dataclass(frozen=True)
class PatchFile:
    """The part of a patch that changes one file (path relative to a stage folder)."""

    path: str
    text: str

    def retarget(self, path: str) -> str:
        """The same change, aimed at another module (code moved: __init__ -> core_simple)."""
        if path == self.path:
            return self.text
        lines = []
        for line in self.text.splitlines(keepends=True):
            if line.startswith(("diff --git ", "--- ", "+++ ")):
                line = line.replace(f"a/{self.path}", f"a/{path}")
                line = line.replace(f"b/{self.path}", f"b/{path}")
            lines.append(line)
        return "".join(lines)


def split_patch(text: str) -> list[PatchFile]:
    """Cut a unified diff into one piece per file, each keeping its own headers."""
    lines = text.splitlines(keepends=True)
    pieces, current = [], []
    for i, line in enumerate(lines):
        # A file starts at a `diff` line, or at a `---` line directly followed by `+++`
        # (plain `diff -u` output); a hunk line never has a `+++` line right after it.
        header = line.startswith("--- ") and i + 1 < len(lines) and \
            lines[i + 1].startswith("+++ ")
        starts_file = line.startswith("diff ") or header
        if starts_file and any(c.startswith("+++ ") for c in current):
            pieces.append(current)
            current = []
        current.append(line)
    if current:
        pieces.append(current)
    files = []
    for piece in pieces:
        target = next((c for c in piece if c.startswith("+++ ")), None)
        if target is None:
            continue
        path = target[4:].split("\t")[0].strip()
        path = path[2:] if path.startswith(("a/", "b/")) else path
        files.append(PatchFile(path, "".join(piece)))
    return files


def _modules(stage: int) -> list[str]:
    return sorted(rel for rel in stage_files(registry.stage_dir(stage))
                  if rel.startswith("dezero/") and rel.endswith(".py"))


def plan_carry(first: int, patch: Path, until: int | None = None) -> dict[str, list]:
    """Sort the stages first..last (first..until if given) into "apply", "has-fix" and
    "manual" (with git's reason).

    Each file of the patch goes to the module it names or, where the code has since moved
    (step 23 moves __init__.py into core_simple.py, step 32 copies that into core.py), to
    every module of the stage it applies to cleanly. "apply" entries are (stage, pieces):
    the patch texts to apply to that stage.
    """
    pieces = split_patch(patch.read_text(encoding="utf-8"))
    plan = {"apply": [], "has-fix": [], "manual": []}
    with tempfile.TemporaryDirectory(prefix="carry-") as tmp:
        def check(stage, text, *options):
            attempt = Path(tmp) / "piece.patch"
            attempt.write_text(text, encoding="utf-8")
            return _git_apply(stage, attempt, "--check", *options)

        for stage in registry.built_stages():
            if stage < first or (until is not None and stage > until):
                continue
            to_apply, problem, has_fix = [], None, 0
            for piece in pieces:
                if not piece.path.startswith("dezero/") and piece.path != "demo.py":
                    problem = f"{piece.path}: not a path inside a stage folder"
                    break
                # The file the patch names first; only where it does not take the change,
                # the modules the code may have moved to.
                candidates = [piece.path] + [m for m in _modules(stage) if m != piece.path]
                fits = [piece.text] if check(stage, piece.text).returncode == 0 else [
                    piece.retarget(m) for m in candidates[1:]
                    if check(stage, piece.retarget(m)).returncode == 0]
                if fits:
                    to_apply.extend(fits)
                elif any(check(stage, piece.retarget(m), "--reverse").returncode == 0
                         for m in candidates):
                    has_fix += 1
                else:
                    result = check(stage, piece.text)
                    problem = next((ln for ln in result.stderr.splitlines() if ln.strip()),
                                   f"{piece.path}: git apply failed")
                    break
            if problem is not None:
                plan["manual"].append((stage, problem))
            elif to_apply:
                plan["apply"].append((stage, to_apply))
            elif has_fix:
                plan["has-fix"].append((stage, ""))
    return plan


def _apply_pieces(stage: int, texts: list[str], *options: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="carry-") as tmp:
        path = Path(tmp) / "stage.patch"
        path.write_text("".join(texts), encoding="utf-8")
        return _git_apply(stage, path, *options)


def run_carry(args) -> int:
    first, _ = registry.resolve(args.step)
    until = None
    if args.until is not None:
        until, _ = registry.resolve(args.until)
        if until < first:
            raise CommandError(f"--until {args.until} is before step {args.step}", status=2)
    patch = Path(args.patch).resolve()
    if not patch.is_file():
        raise CommandError(f"no patch file {args.patch}", status=2)
    if shutil.which("git") is None:
        raise CommandError("carry needs git on PATH")
    plan = plan_carry(first, patch, until)

    for stage, _ in plan["has-fix"]:
        print(f"{registry.folder_name(stage)}: already has the fix, skipped")
    if plan["manual"]:
        for stage, reason in plan["manual"]:
            print(f"{registry.folder_name(stage)}: needs a manual fix ({reason})")
        names = ", ".join(registry.folder_name(s) for s, _ in plan["manual"])
        print(f"carry refused: the patch does not apply to {names}; nothing was changed. "
              "Fix those stages by hand (or split the patch), then carry again.",
              file=sys.stderr)
        if not plan["apply"] and not plan["has-fix"]:
            print("No stage takes the patch at all: are its paths relative to a stage folder "
                  "(a/dezero/__init__.py), as `git diff --relative` in stages/stepNN makes?",
                  file=sys.stderr)
        return 1

    applied, texts_of = [], dict(plan["apply"])
    for stage, texts in plan["apply"]:
        result = _apply_pieces(stage, texts)
        if result.returncode != 0:
            # Checked above, so this is unexpected: undo what was done to stay all-or-nothing.
            for done in reversed(applied):
                _apply_pieces(done, texts_of[done], "--reverse")
            raise CommandError(f"git apply failed on {registry.folder_name(stage)} after a clean "
                               f"check; rolled back.\n{result.stderr.strip()}")
        applied.append(stage)
        print(f"{registry.folder_name(stage)}: patched")

    # The stages with the fix now: those patched, and those fixed by hand before (stage N).
    fixed = sorted(applied + [stage for stage, _ in plan["has-fix"]])
    changes = freeze_and_report()
    if changes:
        others = sorted({d.stage for d in changes} - {registry.folder_name(n) for n in fixed})
        if others:
            print(f"warning: {', '.join(others)} also changed since the last freeze and are "
                  "now locked as they are; review them before committing", file=sys.stderr)
    if not applied:
        print("every stage already had the fix")
        return 0
    span = registry.describe_ranges(fixed)
    paths = [rel_to_root(registry.stage_dir(n)) for n in fixed]
    paths.append(rel_to_root(registry.lock_path()))
    message = f"Carry {patch.name} to stages {span}"
    print(f"carried to {plural(len(applied), 'stage')}; stages {span} have the fix. "
          "Review, then commit in one go:")
    print(f"  git add {' '.join(paths)} && git commit -m {shlex.quote(message)}")
    return 0


def add_arguments(parser) -> None:
    add_step_argument(parser)
    parser.add_argument("patch", metavar="PATCH",
                        help="unified diff with paths relative to a stage folder (a/dezero/...)")
    parser.add_argument("--until", type=registry.stage_argument, metavar="M",
                        help="carry only to stages N..M (the later stages' code differs: "
                             "they take their own patch)")


COMMANDS = (Command("carry", "apply a fix to stages N..last (all or nothing)", run_carry,
                    add_arguments),)
