"""The stage command line: `python -m tools <command>` from the repository root.

    list                 every step of the book: its stage folder, title, what it adds
    show N               one step: manifest data, serving stage, files, capabilities
    diff A B             stage A's files against stage B's (unified, --stat, --html)
    new N                start stage N as a copy of the newest stage before it
    freeze               record content hashes of every stage in stages/stages.lock
    check                fail, naming stage and file, where a stage differs from the lock
    carry N PATCH        apply one fix to stages N..last, all or nothing, then re-freeze
    matrix               the shared suite on every stage in parallel: capability x step grid
    demo N               run a stage's demo.py
    grade N PATH         a learner's dezero graded as step N

Every question about which stages exist goes to `tools.registry`; the capability table is
read from shared_tests/capabilities.py. Exit status: 0 fine, 1 a check or test failed,
2 bad input (unknown stage, missing file).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import dataclasses
import difflib
import hashlib
import html
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from dezero_stages import capabilities, registry

Path = pathlib.Path


class CommandError(Exception):
    """A failure to report as one clear message; `status` is the exit code."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------------------------------
# Small shared helpers


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half.

    The temporary file lives in the same folder, so the final os.replace is a rename.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def manifest_step(number: int) -> registry.Step:
    """The manifest entry of a step; an unknown number lists the steps the manifest has."""
    steps = registry.load_manifest()
    if number not in steps:
        raise registry.UnknownStageError(
            f"unknown step {number}: the manifest has steps "
            f"{registry.describe_ranges(sorted(steps))}"
        )
    return steps[number]


def serving_stage(number: int) -> int | None:
    """The built stage that serves a step, or None where that stage is not built yet."""
    try:
        return registry.resolve(number)[0]
    except registry.UnknownStageError:
        return None


def rel_to_root(path: Path) -> str:
    """A path as the user would type it from the repository root."""
    try:
        return Path(path).relative_to(registry.STAGES_DIR.parent).as_posix()
    except ValueError:
        return str(path)


def load_capabilities():
    """The capability table (kept as a function so the commands read the same as before)."""
    return capabilities


def plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


ANSI = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "cyan": "36", "dim": "2"}


class Painter:
    """Wraps text in ANSI colour codes, or leaves it alone when colour is off."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{ANSI[style]}m{text}\x1b[0m" if self.enabled and text else text


def colour_wanted(choice: str, stream=None) -> bool:
    """--color: always / never / auto (a terminal, unless NO_COLOR is set)."""
    if choice != "auto":
        return choice == "always"
    stream = stream or sys.stdout
    return stream.isatty() and not os.environ.get("NO_COLOR")


# ---------------------------------------------------------------------------------------------
# list, show


def cmd_list(args) -> int:
    steps = registry.load_manifest()
    built = set(registry.built_stages())
    for number, step in sorted(steps.items()):
        if step.code:
            where = step.folder_name if number in built else "(not built)"
        else:
            earlier = [n for n, s in steps.items() if n < number and s.code]
            if earlier:
                base = f"step{max(earlier):02d}"
                where = f"(no code: served by {base})"
                if max(earlier) not in built:
                    where = f"(no code: {base}, not built)"
            else:
                where = "(no code)"
        print(f"{number:>2}  {where:<29} {step.title}: {step.adds}")
    return 0


def cmd_show(args) -> int:
    step = manifest_step(args.step)
    caps = load_capabilities()
    print(f"step {step.number}: {step.title} ({step.title_ko})")
    print(f"  milestone  {step.milestone}")
    print(f"  code       {'yes' if step.code else 'no'}")
    print(f"  adds       {step.adds}")
    stage = serving_stage(step.number)
    if stage is None:
        print("  stage      (not built)")
    else:
        folder = registry.stage_dir(stage)
        note = "" if stage == step.number else f"  (no code in step {step.number})"
        print(f"  stage      {rel_to_root(folder)}{note}")
        print("  files")
        for rel in stage_files(folder):
            print(f"    {rel}")
    arriving = caps.arriving_in(step.number)
    fixed = [c for c in caps.CAPABILITIES if c.until is not None and c.until + 1 == step.number]
    if arriving:
        print(f"  capabilities arriving in step {step.number}")
        for cap in arriving:
            kind = f"pin, until step {cap.until}: " if cap.kind == "pin" else ""
            print(f"    {cap.name:<24} {kind}{cap.summary}")
    if fixed:
        print(f"  limitations fixed in step {step.number}")
        for cap in fixed:
            print(f"    {cap.name:<24} {cap.summary}")
    if not arriving and not fixed:
        print("  capabilities: none arrive in this step")
    return 0


# ---------------------------------------------------------------------------------------------
# diff


@dataclasses.dataclass
class FileDiff:
    """One file that differs between two stages; old/new are None where the file is absent.

    `source` is set when a new file is shown against another file of stage A that it was
    made from (step 23's core_simple.py from the old __init__.py, step 32's core.py from
    core_simple.py), as git's copy and rename detection does.
    """

    path: str
    old: list[str] | None
    new: list[str] | None
    unified: list[str]
    source: str | None = None

    @property
    def status(self) -> str:
        if self.source is not None:
            return f"made from {self.source}"
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"

    @property
    def label(self) -> str:
        return self.path if self.source is None else f"{self.path} (from {self.source})"

    @property
    def insertions(self) -> int:
        return sum(1 for line in self.unified[2:] if line.startswith("+"))

    @property
    def deletions(self) -> int:
        return sum(1 for line in self.unified[2:] if line.startswith("-"))


def _read_lines(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


# How alike two files must be (difflib's ratio) for one to count as made from the other.
SIMILAR = 0.5


def _similarity(a: list[str] | None, b: list[str] | None) -> float:
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def find_sources(old: dict[str, list[str]], new: dict[str, list[str]]) -> dict[str, str]:
    """For each file new in B, the file of A it was made from, if any is similar enough."""
    sources = {}
    for rel in sorted(new.keys() - old.keys()):
        scored = [(_similarity(old[src], new[rel]), src) for src in sorted(old)]
        best = max(scored, default=(0.0, None))
        if best[0] >= SIMILAR:
            sources[rel] = best[1]
    return sources


def diff_stages(stage_a: int, stage_b: int, only_package: bool = False) -> list[FileDiff]:
    """The files of `dezero/` (and demo.py) that differ from stage A to stage B."""
    def wanted(folder):
        return {rel: _read_lines(path) for rel, path in stage_files(folder).items()
                if rel.startswith("dezero/") or (rel == "demo.py" and not only_package)}

    name_a, name_b = f"step{stage_a:02d}", f"step{stage_b:02d}"
    files_a = wanted(registry.stage_dir(stage_a))
    files_b = wanted(registry.stage_dir(stage_b))
    sources = find_sources(files_a, files_b)
    # A file of A that a new file was made from, and that B rewrote beyond recognition
    # (step 23's __init__.py), is shown as rewritten: its old text lives on in the copy.
    rewritten = {src for src in sources.values()
                 if src in files_b and _similarity(files_a[src], files_b[src]) < SIMILAR}
    diffs = []
    # The package first, the demo last: the diff should read like the book's step.
    for rel in sorted(files_a.keys() | files_b.keys(), key=lambda rel: (rel == "demo.py", rel)):
        source = sources.get(rel)
        from_rel = source if source is not None else rel
        old = None if rel in rewritten else files_a.get(from_rel)
        new = files_b.get(rel)
        if old == new:
            continue
        unified = list(difflib.unified_diff(
            old or [], new or [],
            fromfile=f"{name_a}/{from_rel}" if old is not None else "/dev/null",
            tofile=f"{name_b}/{rel}" if new is not None else "/dev/null",
            lineterm="",
        ))
        diffs.append(FileDiff(rel, old, new, unified, source))
    return diffs


def render_unified(diffs: list[FileDiff], paint: Painter) -> str:
    out = []
    for diff in diffs:
        for i, line in enumerate(diff.unified):
            if i < 2:
                out.append(paint(line, "bold"))
            elif line.startswith("@@"):
                out.append(paint(line, "cyan"))
            elif line.startswith("+"):
                out.append(paint(line, "green"))
            elif line.startswith("-"):
                out.append(paint(line, "red"))
            else:
                out.append(line)
    return "\n".join(out) + "\n" if out else ""


def render_stat(diffs: list[FileDiff], paint: Painter, bar_width: int = 50) -> str:
    """A diffstat in git's form: ` path | 12 ++++----` and a totals line."""
    if not diffs:
        return " 0 files changed\n"
    name_width = max(len(d.label) for d in diffs)
    most = max(d.insertions + d.deletions for d in diffs)
    count_width = len(str(most))
    scale = min(1.0, bar_width / most) if most else 1.0
    lines = []
    for d in diffs:
        plus, minus = d.insertions, d.deletions
        # Scale long bars down, but never hide a change entirely.
        n_plus = max(1, round(plus * scale)) if plus else 0
        n_minus = max(1, round(minus * scale)) if minus else 0
        bar = paint("+" * n_plus, "green") + paint("-" * n_minus, "red")
        lines.append(f" {d.label:<{name_width}} | {plus + minus:>{count_width}} {bar}".rstrip())
    insertions = sum(d.insertions for d in diffs)
    deletions = sum(d.deletions for d in diffs)
    total = f" {plural(len(diffs), 'file')} changed"
    if insertions:
        total += f", {plural(insertions, 'insertion')}(+)"
    if deletions:
        total += f", {plural(deletions, 'deletion')}(-)"
    lines.append(total)
    return "\n".join(lines) + "\n"


HTML_DIFF_STYLE = """
body { font-family: sans-serif; margin: 1.5em; }
h2 { font-size: 1.05em; margin-top: 2em; }
table.diff { font-family: monospace; border-collapse: collapse; font-size: 0.9em; }
table.diff td { padding: 0 0.4em; vertical-align: top; white-space: pre-wrap; }
.diff_header { background-color: #e8e8e8; color: #555; text-align: right; }
.diff_next { background-color: #d0d0d0; }
.diff_add { background-color: #c8f0c8; }
.diff_chg { background-color: #fff3a0; }
.diff_sub { background-color: #f8c8c8; }
"""


def render_diff_html(diffs: list[FileDiff], stage_a: int, stage_b: int) -> str:
    """A side-by-side HTML page: one difflib.HtmlDiff table per file that differs."""
    name_a, name_b = f"step{stage_a:02d}", f"step{stage_b:02d}"
    title = f"DeZero stages: {name_a} → {name_b}"
    differ = difflib.HtmlDiff(tabsize=4, wrapcolumn=90)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{HTML_DIFF_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if not diffs:
        parts.append("<p>No differences.</p>")
    for d in diffs:
        counts = f"+{d.insertions} −{d.deletions}"
        parts.append(f"<h2>{html.escape(d.path)} ({d.status}, {counts})</h2>")
        parts.append(differ.make_table(
            d.old or [], d.new or [],
            fromdesc=f"{name_a}/{d.source or d.path}" if d.old is not None else "(absent)",
            todesc=f"{name_b}/{d.path}" if d.new is not None else "(absent)",
            context=True, numlines=3,
        ))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def cmd_diff(args) -> int:
    stage_a, _ = registry.resolve(args.a)
    stage_b, _ = registry.resolve(args.b)
    if stage_a == stage_b:
        print(f"steps {args.a} and {args.b} are both served by stage {stage_a}: "
              "nothing to compare", file=sys.stderr)
    diffs = diff_stages(stage_a, stage_b, only_package=args.only_package)
    paint = Painter(colour_wanted(args.color))
    if args.html:
        write_atomic(Path(args.html), render_diff_html(diffs, stage_a, stage_b))
        print(f"wrote {args.html} ({plural(len(diffs), 'file')} differ)")
    if args.stat:
        sys.stdout.write(render_stat(diffs, paint))
    elif not args.html:
        sys.stdout.write(render_unified(diffs, paint))
    return 0


# ---------------------------------------------------------------------------------------------
# freeze, check: the lock file


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stage_hashes() -> dict[str, dict[str, str]]:
    """{"step01": {"demo.py": sha256, ...}, ...} for every built stage, as it is on disk."""
    hashes = {}
    for n in registry.built_stages():
        files = stage_files(registry.stage_dir(n))
        hashes[f"step{n:02d}"] = {rel: sha256(path) for rel, path in files.items()}
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


def cmd_freeze(args) -> int:
    hashes, changes = freeze()
    n_files = sum(len(files) for files in hashes.values())
    where = rel_to_root(registry.lock_path())
    if changes is None:
        print(f"created {where}: {plural(len(hashes), 'stage')}, {plural(n_files, 'file')}")
    elif not changes:
        print(f"{where} unchanged: {plural(len(hashes), 'stage')}, {plural(n_files, 'file')}")
    else:
        print(f"updated {where}; stages that changed:")
        for line in summarise_lock_changes(changes):
            print(f"  {line}")
    return 0


def cmd_check(args) -> int:
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


# ---------------------------------------------------------------------------------------------
# new: copy a stage forward

STEP_LINE = re.compile(r"^__step__ = \d+[ \t]*$", re.MULTILINE)
TITLE_LINE = re.compile(
    r'^(?P<open>[rR]?(?:"""|\'\'\'))DeZero as it stands after step \d+: .*?'
    r'(?P<close>"""|\'\'\')?$',
    re.MULTILINE,
)


def bump_module(text: str, step: registry.Step) -> str:
    """Rewrite the `__step__ = M` line and the docstring's first line for `step`."""
    text = STEP_LINE.sub(f"__step__ = {step.number}", text)
    heading = f"DeZero as it stands after step {step.number:02d}: {step.title.rstrip('.')}."

    def title(match):
        return f"{match['open']}{heading}{match['close'] or ''}"

    return TITLE_LINE.sub(title, text, count=1)


def cmd_new(args) -> int:
    step = manifest_step(args.step)
    if not step.code:
        raise CommandError(f"step {step.number} ({step.title}) has no code in the book: it gets "
                           f"no folder; its session checks the stage before it")
    target = registry.stage_dir(step.number)
    if target.exists():
        raise CommandError(f"{rel_to_root(target)} already exists: a frozen stage is never "
                           "recreated (fix it with `python -m tools carry`)")
    earlier = [n for n in registry.built_stages() if n < step.number]
    if not earlier:
        raise CommandError(f"no built stage before step {step.number} to copy from")
    base = earlier[-1]
    source = registry.stage_dir(base)

    # Build the copy beside its final place, then rename: never a half-made stage folder.
    staging = Path(tempfile.mkdtemp(dir=registry.STAGES_DIR, prefix=f".new-{target.name}-"))
    try:
        copy = staging / target.name
        shutil.copytree(source, copy, ignore=ignore_non_content(source))
        bumped = []
        for module in sorted((copy / "dezero").rglob("*.py")):
            text = module.read_text(encoding="utf-8")
            new_text = bump_module(text, step)
            if new_text != text:
                module.write_text(new_text, encoding="utf-8")
                bumped.append(module.relative_to(copy).as_posix())
        demo = copy / "demo.py"
        if demo.is_file():
            text = demo.read_text(encoding="utf-8")
            demo.write_text(text.replace(f"out/{source.name}", f"out/{target.name}"),
                            encoding="utf-8")
        os.rename(copy, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    print(f"created {rel_to_root(target)} as a copy of {rel_to_root(source)}")
    print(f"  step {step.number}: {step.title} ({step.adds})")
    if bumped:
        print(f"  marked as step {step.number}: {', '.join(bumped)}")
    else:
        print(f"  warning: no `__step__ = {base}` line or docstring heading found to update")
    later = [n for n in registry.built_stages() if n > step.number]
    if later:
        print(f"  note: stages {registry.describe_ranges(later)} already exist and do not "
              f"include what you add here")
    target_rel = rel_to_root(target)
    print("next:")
    print(f"  1. make step {step.number}'s changes in {target_rel}/dezero/ "
          f"and rewrite {target_rel}/demo.py for step {step.number}")
    print(f"  2. python -m tools diff {base} {step.number}"
          "           # should read like the book's step")
    print(f"  3. python -m pytest shared_tests --stage {step.number}"
          f"   # or: nox -s stage-{step.number}")
    print("  4. python -m tools freeze               # record it in the lock, then commit")
    return 0


# ---------------------------------------------------------------------------------------------
# carry: one fix, every later stage, all or nothing


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


def plan_carry(first: int, patch: Path) -> dict[str, list]:
    """Sort the stages first..last into "apply", "has-fix" and "manual" (with git's reason).

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
            if stage < first:
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


def cmd_carry(args) -> int:
    first, _ = registry.resolve(args.step)
    patch = Path(args.patch).resolve()
    if not patch.is_file():
        raise CommandError(f"no patch file {args.patch}", status=2)
    if shutil.which("git") is None:
        raise CommandError("carry needs git on PATH")
    plan = plan_carry(first, patch)

    for stage, _ in plan["has-fix"]:
        print(f"step{stage:02d}: already has the fix, skipped")
    if plan["manual"]:
        for stage, reason in plan["manual"]:
            print(f"step{stage:02d}: needs a manual fix ({reason})")
        names = ", ".join(f"step{s:02d}" for s, _ in plan["manual"])
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
            raise CommandError(f"git apply failed on step{stage:02d} after a clean check; "
                               f"rolled back.\n{result.stderr.strip()}")
        applied.append(stage)
        print(f"step{stage:02d}: patched")

    # The stages with the fix now: those patched, and those fixed by hand before (stage N).
    fixed = sorted(applied + [stage for stage, _ in plan["has-fix"]])
    _, changes = freeze()
    lock = rel_to_root(registry.lock_path())
    if changes is None:
        print(f"created {lock}")
    else:
        print(f"refreshed {lock}:")
        for line in summarise_lock_changes(changes) or ["no stage changed"]:
            print(f"  {line}")
        others = sorted({d.stage for d in changes} - {f"step{n:02d}" for n in fixed})
        if others:
            print(f"warning: {', '.join(others)} also changed since the last freeze and are "
                  "now locked as they are; review them before committing", file=sys.stderr)
    if not applied:
        print("every stage already had the fix")
        return 0
    span = registry.describe_ranges(fixed)
    paths = [rel_to_root(registry.stage_dir(n)) for n in fixed] + [lock]
    message = f"Carry {patch.name} to stages {span}"
    print(f"carried to {plural(len(applied), 'stage')}; stages {span} have the fix. "
          "Review, then commit in one go:")
    print(f"  git add {' '.join(paths)} && git commit -m {shlex.quote(message)}")
    return 0


# ---------------------------------------------------------------------------------------------
# Running the shared suite: matrix and grade


def suite_command(step: int, report: Path, impl: Path | None = None,
                  xdist: bool = True) -> list[str]:
    """The pytest command line of the shared-suite plugin (see shared_tests/conftest.py)."""
    command = [sys.executable, "-m", "pytest", "shared_tests", "--stage", str(step)]
    if impl is not None:
        command += ["--impl", str(impl)]
    command += ["-q", "-p", "no:cacheprovider"]
    if not xdist:
        command += ["-p", "no:xdist"]
    return command + ["--capability-json", str(report), "--no-capability-report"]


def read_report(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def output_tail(output: str, lines: int = 25) -> str:
    return "\n".join(output.rstrip().splitlines()[-lines:])


def indent_message(message: str, indent: str, max_lines: int = 6) -> str:
    """A failure message, every line indented, cut short after `max_lines` lines."""
    lines = [line.rstrip() for line in message.strip().splitlines()] or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... ({len(lines) - max_lines} more lines)"]
    return "\n".join(indent + line if line else "" for line in lines)


@dataclasses.dataclass
class StageRun:
    """One pytest run of the shared suite for one step, and the report it wrote."""

    step: int
    report: dict | None
    returncode: int | None = 0  # None: did not finish (timed out)
    seconds: float = 0.0
    output: str = ""

    @property
    def capabilities(self) -> list[dict]:
        return [] if self.report is None else self.report["capabilities"]

    def capability(self, name: str) -> dict | None:
        return next((cap for cap in self.capabilities if cap["name"] == name), None)

    @property
    def counts(self) -> collections.Counter:
        return collections.Counter(cap["status"] for cap in self.capabilities)

    @property
    def failures(self) -> list[tuple[str, dict]]:
        """(capability name, {"test", "message"}) for every failing test."""
        return [(cap["name"], failure) for cap in self.capabilities
                if cap["status"] == "fail" for failure in cap.get("failures", [])]

    @property
    def stage(self) -> int | None:
        return None if self.report is None else self.report.get("stage")

    @property
    def broken(self) -> bool:
        """pytest did not run the suite properly: no report, or it failed with no failing
        capability to show for it (a crash, a collection error, a usage error)."""
        if self.report is None or self.returncode is None:
            return True
        return self.returncode != 0 and not self.counts["fail"]

    @property
    def ok(self) -> bool:
        return not self.broken and not self.counts["fail"]


SYMBOLS = {"pass": "✓", "fail": "✗", "arrives": "·", "fixed": "—", "untested": "?",
           "missing": "!"}
ASCII_SYMBOLS = {"pass": "+", "fail": "x", "arrives": ".", "fixed": "-", "untested": "?",
                 "missing": "!"}
LEGEND = {
    "pass": "pass",
    "fail": "fail",
    "arrives": "arrives in a later step",
    "fixed": "limitation already fixed (pin no longer applies)",
    "untested": "applies, but no test ran",
    "missing": "no report (pytest did not run)",
}
CELL_COLOUR = {"pass": "green", "fail": "red", "missing": "yellow", "untested": "yellow",
               "arrives": "dim", "fixed": "dim"}


def symbols_for(stream) -> dict[str, str]:
    """The Unicode symbols, or ASCII ones where the stream cannot encode them."""
    try:
        "".join(SYMBOLS.values()).encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII_SYMBOLS
    return SYMBOLS


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    step: int
    until: int | None
    summary: str

    @property
    def span(self) -> str:
        """When the row applies: "17" (from step 17 on) or "7-16" for a pin."""
        return str(self.step) if self.until is None else f"{self.step}-{self.until}"


def matrix_rows(runs: list[StageRun]) -> list[Row]:
    """The capabilities named in the reports, in capability-table order."""
    rows = {}
    for run in runs:
        for cap in run.capabilities:
            rows.setdefault(cap["name"], Row(cap["name"], cap["step"], cap.get("until"),
                                             cap.get("summary", "")))
    return list(rows.values())


def cell_status(run: StageRun, name: str) -> str:
    if run.report is None:
        return "missing"
    cap = run.capability(name)
    return "untested" if cap is None else cap["status"]


def stage_note(run: StageRun) -> str:
    """"step 5 (stage 4)" where a no-code step runs the stage before it."""
    if run.stage is not None and run.stage != run.step:
        return f"step {run.step} (stage {run.stage})"
    return f"step {run.step}"


def stage_totals(run: StageRun) -> str:
    if run.report is None:
        return "no report" if run.returncode is not None else "timed out, no report"
    counts = run.counts
    parts = [f"{counts['pass']} pass", f"{counts['fail']} fail"]
    parts += [f"{counts[s]} {label}" for s, label in
              (("untested", "untested"), ("fixed", "fixed"), ("arrives", "arriving"))
              if counts[s]]
    if run.broken:
        parts.append(f"pytest exit status {run.returncode}")
    return ", ".join(parts)


def render_grid(runs: list[StageRun], symbols: dict[str, str] = SYMBOLS,
                paint: Painter | None = None) -> str:
    """Capabilities down, steps across, one symbol per cell; then a legend and totals."""
    paint = paint or Painter(False)
    rows = matrix_rows(runs)
    name_width = max([len("capability")] + [len(r.name) for r in rows])
    span_width = max([len("steps")] + [len(r.span) for r in rows])
    col = max(3, max((len(str(run.step)) + 1 for run in runs), default=3))
    lines = [f"{'capability':<{name_width}} {'steps':>{span_width}} "
             + "".join(f"{run.step:>{col}}" for run in runs)]
    for row in rows:
        cells = []
        for run in runs:
            status = cell_status(run, row.name)
            cells.append(" " * (col - 1) + paint(symbols[status], CELL_COLOUR[status]))
        lines.append(f"{row.name:<{name_width}} {row.span:>{span_width}} " + "".join(cells))
    lines.append("")
    lines.append("  ".join(f"{symbols[s]} {LEGEND[s]}" for s in SYMBOLS))
    lines.append("steps: a feature applies from its step on; a pin (a-b) only while the "
                 "limitation lasts")
    lines.append("")
    label_width = max((len(stage_note(run)) for run in runs), default=0)
    for run in runs:
        lines.append(f"{stage_note(run):<{label_width}}  {run.seconds:6.1f} s  "
                     f"{stage_totals(run)}")
    return "\n".join(lines) + "\n"


def render_markdown(runs: list[StageRun]) -> str:
    rows = matrix_rows(runs)
    header = ["capability", "steps"] + [str(run.step) for run in runs]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "---|---|" + ":-:|" * len(runs)]
    for row in rows:
        cells = [SYMBOLS[cell_status(run, row.name)] for run in runs]
        lines.append("| " + " | ".join([f"`{row.name}`", row.span] + cells) + " |")
    for status in ("pass", "fail"):
        totals = [str(run.counts[status]) if run.report else SYMBOLS["missing"] for run in runs]
        lines.append("| " + " | ".join([f"**{status}**", ""] + totals) + " |")
    legend = ", ".join(f"{SYMBOLS[s]} {LEGEND[s]}" for s in SYMBOLS)
    lines += ["", f"Legend: {legend}."]
    served = [run for run in runs if run.stage not in (None, run.step)]
    if served:
        steps = ", ".join(str(run.step) for run in served)
        stages = ", ".join(str(run.stage) for run in served)
        lines.append(f"Steps {steps} have no code: they run stages {stages}.")
    return "\n".join(lines) + "\n"


HTML_MATRIX_STYLE = """
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.15em 0.4em; text-align: center; }
td.name { text-align: left; font-family: monospace; }
td.pass { background: #c8f0c8; } td.fail { background: #f8b8b8; font-weight: bold; }
td.arrives, td.fixed { color: #999; } td.untested, td.missing { background: #fff3a0; }
tr.total td { font-weight: bold; background: #eee; }
"""


def render_html(runs: list[StageRun], wall_seconds: float | None = None) -> str:
    rows = matrix_rows(runs)
    esc = html.escape
    head = "".join(f'<th title="{esc(stage_note(run))}">{run.step}</th>' for run in runs)
    body = []
    for row in rows:
        cells = []
        for run in runs:
            status = cell_status(run, row.name)
            tip = f"{row.name}, {stage_note(run)}: {LEGEND[status]}"
            for failure in (run.capability(row.name) or {}).get("failures", []):
                tip += f"\n{failure['test']}: {failure['message']}"
            cells.append(f'<td class="{status}" title="{esc(tip)}">{SYMBOLS[status]}</td>')
        body.append(f'<tr><td class="name" title="{esc(row.summary)}">{esc(row.name)}</td>'
                    f"<td>{esc(row.span)}</td>{''.join(cells)}</tr>")
    for status in ("pass", "fail"):
        totals = "".join(f"<td>{run.counts[status] if run.report else '!'}</td>" for run in runs)
        body.append(f'<tr class="total"><td class="name">{status}</td><td></td>{totals}</tr>')
    legend = "".join(f"<li>{SYMBOLS[s]} {esc(LEGEND[s])}</li>" for s in SYMBOLS)
    timing = f"<p>Wall time {wall_seconds:.1f} s.</p>" if wall_seconds is not None else ""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>DeZero stages: capability matrix'
        f"</title><style>{HTML_MATRIX_STYLE}</style></head><body>",
        "<h1>DeZero stages: capability matrix</h1>",
        f"<table><thead><tr><th>capability</th><th>steps</th>{head}</tr></thead>",
        "<tbody>", *body, "</tbody></table>",
        f"<ul>{legend}</ul>", timing, "</body></html>",
    ]) + "\n"


def parse_steps(spec: str) -> list[int]:
    """'1-22' or '3,5,7-9' -> sorted step numbers, each checked against the registry."""
    numbers = set()
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise CommandError(f"--stages {spec!r}: expected numbers and ranges like 1-22 "
                               "or 3,5,7-9", status=2)
        low = int(match[1])
        high = int(match[2] or low)
        if high < low:
            raise CommandError(f"--stages {spec!r}: range {part} runs backwards", status=2)
        numbers.update(range(low, high + 1))
    valid = set(registry.session_steps())
    unknown = sorted(numbers - valid)
    if unknown:
        raise registry.UnknownStageError(
            f"unknown stage {registry.describe_ranges(unknown)}: valid stages are "
            f"{registry.describe_ranges(sorted(valid))}")
    return sorted(numbers)


def run_stage(step: int, workdir: Path, timeout: float | None) -> StageRun:
    report_path = workdir / f"step{step:02d}.json"
    command = suite_command(step, report_path, xdist=False)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=registry.ROOT, capture_output=True, text=True,
                              timeout=timeout)
        returncode, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as err:
        returncode = None
        output = _text(err.stdout) + _text(err.stderr) + f"\n(timed out after {timeout} s)"
    return StageRun(step, read_report(report_path), returncode,
                    time.perf_counter() - start, output)


def _text(data) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")


def cmd_matrix(args) -> int:
    steps = parse_steps(args.stages) if args.stages else registry.session_steps()
    if not steps:
        raise CommandError("no stage is built yet: nothing to run", status=2)
    jobs = max(1, args.jobs or os.cpu_count() or 1)
    progress = sys.stderr.isatty()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dezero-matrix-") as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_stage, step, Path(tmp), args.timeout): step for step in steps}
        runs = []
        for future in concurrent.futures.as_completed(futures):
            run = future.result()
            runs.append(run)
            if progress:
                print(f"  {stage_note(run)}: {stage_totals(run)} ({run.seconds:.1f} s)",
                      file=sys.stderr)
    runs.sort(key=lambda run: run.step)
    wall = time.perf_counter() - start

    paint = Painter(colour_wanted(args.color))
    sys.stdout.write(render_grid(runs, symbols_for(sys.stdout), paint))
    print(f"{plural(len(runs), 'step')} in {wall:.1f} s wall time ({jobs} in parallel)")

    if args.markdown:
        write_atomic(Path(args.markdown), render_markdown(runs))
        print(f"wrote {args.markdown}")
    if args.html:
        write_atomic(Path(args.html), render_html(runs, wall))
        print(f"wrote {args.html}")
    if args.json:
        data = {"wall_seconds": round(wall, 3), "stages": [
            {"step": run.step, "returncode": run.returncode, "seconds": round(run.seconds, 3),
             "report": run.report} for run in runs]}
        write_atomic(Path(args.json), json.dumps(data, indent=2) + "\n")
        print(f"wrote {args.json}")

    failed = [run for run in runs if not run.ok]
    for run in failed:
        print(f"\n{paint(stage_note(run), 'bold')}: {stage_totals(run)}")
        for name, failure in run.failures:
            print(f"  FAIL {name}: {failure['test']}")
            print(indent_message(failure["message"], " " * 7))
        if run.broken:
            print("  pytest output (tail):")
            print("    " + output_tail(run.output).replace("\n", "\n    "))
    if failed:
        print(f"\nmatrix failed: {', '.join(stage_note(run) for run in failed)}",
              file=sys.stderr)
        return 1
    return 0


def find_dezero(folder: Path) -> Path:
    """The dezero a learner's folder holds: a package, or a single module."""
    for candidate in (folder / "dezero" / "__init__.py", folder / "dezero.py"):
        if candidate.is_file():
            return candidate
    raise CommandError(
        f"no dezero in {folder}: looked for {folder / 'dezero' / '__init__.py'} (a package) "
        f"and {folder / 'dezero.py'} (a single module)", status=2)


def render_grade(report: dict, step: registry.Step) -> tuple[str, int]:
    """The learner's report and its exit status (1 if any capability failed)."""
    caps = report["capabilities"]
    graded = [c for c in caps if c["status"] in ("pass", "fail", "untested")]
    name_width = max((len(c["name"]) for c in graded), default=0)
    label = {"pass": "PASS", "fail": "FAIL", "untested": "----"}
    lines = [f"graded as step {step.number} — {step.title}",
             f"implementation: {report.get('dezero_file') or report.get('impl')}", ""]
    for cap in graded:
        pin = " (pin: a limitation this step still has)" if cap.get("kind") == "pin" else ""
        note = "  no test ran" if cap["status"] == "untested" else ""
        lines.append(f"  {label[cap['status']]}  {cap['name']:<{name_width}}  "
                     f"{cap['summary']}{pin}{note}")
        for failure in cap.get("failures", []):
            lines.append(f"          {failure['test']}")
            lines.append(indent_message(failure["message"], " " * 12))
    later = collections.defaultdict(list)
    for cap in caps:
        if cap["status"] == "arrives":
            later[cap["step"]].append(cap["name"])
    if later:
        lines.append("")
        for arrival, names in sorted(later.items()):
            lines.append(f"  not graded (arrives in step {arrival}): {', '.join(names)}")
    fixed = [c["name"] for c in caps if c["status"] == "fixed"]
    if fixed:
        lines.append(f"  not graded (limitations fixed by step {step.number}): "
                     f"{', '.join(fixed)}")
    counts = collections.Counter(c["status"] for c in graded)
    summary = f"{counts['pass']} passed, {counts['fail']} failed"
    if counts["untested"]:
        summary += f", {counts['untested']} untested"
    lines += ["", f"{summary} (capabilities of step {step.number})"]
    return "\n".join(lines) + "\n", 1 if counts["fail"] else 0


def cmd_grade(args) -> int:
    step = manifest_step(args.step)
    folder = Path(args.path).expanduser().resolve()
    find_dezero(folder)
    with tempfile.TemporaryDirectory(prefix="dezero-grade-") as tmp:
        report_path = Path(tmp) / "report.json"
        command = suite_command(step.number, report_path, impl=folder)
        if args.verbose:
            done = subprocess.run(command, cwd=registry.ROOT)
            output = ""
        else:
            done = subprocess.run(command, cwd=registry.ROOT, capture_output=True, text=True)
            output = done.stdout + done.stderr
        report = read_report(report_path)
    if report is None:
        raise CommandError(f"the shared suite did not run (pytest exit status "
                           f"{done.returncode}):\n{output_tail(output)}")
    text, status = render_grade(report, step)
    sys.stdout.write(text)
    if not status and done.returncode != 0:
        print(f"pytest exited with status {done.returncode} though no capability failed:\n"
              f"{output_tail(output)}", file=sys.stderr)
        return 1
    return status


# ---------------------------------------------------------------------------------------------
# demo


def cmd_demo(args) -> int:
    stage, folder = registry.resolve(args.step)
    script = folder / "demo.py"
    if not script.is_file():
        raise CommandError(f"{rel_to_root(script)} does not exist")
    out = args.out or f"out/step{args.step:02d}"
    if stage != args.step:
        print(f"step {args.step} has no code: running the demo of stage {stage}",
              file=sys.stderr)
    return subprocess.run([sys.executable, str(script), "--out", out, *args.demo_args]).returncode


# ---------------------------------------------------------------------------------------------
# The argument parser


def cmd_mutants(args) -> int:
    from tools import mutants  # only this command needs it

    return mutants.cmd_mutants(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools", description="Work with the frozen DeZero stages.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit status: 0 fine, 1 a check or test failed, 2 bad input.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help):
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(func=func)
        return sub

    def colour_option(sub):
        sub.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                         help="colour the output (auto: only on a terminal)")

    command("list", cmd_list, "every step: stage folder, title, what it adds")

    sub = command("show", cmd_show, "a step's manifest data, stage, files and capabilities")
    sub.add_argument("step", type=int, metavar="N")

    sub = command("diff", cmd_diff, "diff stage A against stage B")
    sub.add_argument("a", type=int, metavar="A")
    sub.add_argument("b", type=int, metavar="B")
    sub.add_argument("--stat", action="store_true", help="per-file counts of lines + and -")
    sub.add_argument("--html", metavar="FILE", help="write a side-by-side HTML diff")
    sub.add_argument("--only-package", action="store_true", help="leave out demo.py")
    colour_option(sub)

    sub = command("new", cmd_new, "start stage N as a copy of the newest stage before it")
    sub.add_argument("step", type=int, metavar="N")

    command("freeze", cmd_freeze, "record every stage's content hashes in the lock file")
    command("check", cmd_check, "compare every stage with the lock file")

    sub = command("carry", cmd_carry, "apply a fix to stages N..last (all or nothing)")
    sub.add_argument("step", type=int, metavar="N")
    sub.add_argument("patch", metavar="PATCH",
                     help="unified diff with paths relative to a stage folder (a/dezero/...)")

    sub = command("matrix", cmd_matrix, "run the shared suite on every stage, in parallel")
    sub.add_argument("--stages", metavar="SPEC", help="steps to run, e.g. 1-22 or 3,5,7-9")
    sub.add_argument("-j", "--jobs", type=int, metavar="N", help="parallel runs (default: CPUs)")
    sub.add_argument("--timeout", type=float, metavar="SECONDS", default=900,
                     help="give up on one stage's run after this long (default 900)")
    sub.add_argument("--markdown", metavar="FILE", help="also write the grid as Markdown")
    sub.add_argument("--html", metavar="FILE", help="also write the grid as HTML")
    sub.add_argument("--json", metavar="FILE", help="also write every stage's report as JSON")
    colour_option(sub)

    sub = command("demo", cmd_demo, "run a stage's demo.py (extra arguments pass through)")
    sub.add_argument("step", type=int, metavar="N")
    sub.add_argument("--out", metavar="DIR", help="output folder (default out/stepNN)")

    command("mutants", cmd_mutants, "check that deliberately broken stages fail the suite")

    sub = command("grade", cmd_grade, "grade a dezero of your own as step N")
    sub.add_argument("step", type=int, metavar="N")
    sub.add_argument("path", metavar="PATH", help="folder holding dezero/ or dezero.py")
    sub.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "demo":
        args.demo_args = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except BrokenPipeError:
        # `python -m tools list | head`: the reader left; say nothing more.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout for the interpreter's exit
        return 1
    except registry.UnknownStageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except CommandError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.status
