"""mutants: deliberately broken copies of stages must fail the shared suite.

    mutants              grade every mutant of tools/mutants.toml; any survivor fails

Each mutant in tools/mutants.toml names a stage, one textual change and the capability the
suite must report as failed, graded with --impl --as-stage: as the stage it is a copy of,
so its conventions count and no failure is excused as the book's. A surviving mutant is a
blind spot in the suite.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

from dezero_stages import registry
from tools.common import SUITE_MODULES, Command, require_modules
from tools.lock import ignore_non_content
from tools.runner import run_suite

MUTANTS = Path(__file__).with_name("mutants.toml")


@dataclasses.dataclass(frozen=True)
class Mutant:
    name: str
    stage: int
    file: str
    old: str
    new: str
    expect: str


@dataclasses.dataclass
class Outcome:
    mutant: Mutant
    killed: bool
    detail: str


def load(path: Path = MUTANTS) -> list[Mutant]:
    with path.open("rb") as f:
        return [Mutant(**entry) for entry in tomllib.load(f)["mutant"]]


def make_copy(mutant: Mutant, workdir: Path) -> Path:
    """Copy the stage into workdir and apply the mutation; the text must occur exactly once."""
    source = registry.stage_dir(mutant.stage)
    target = workdir / "impl"
    shutil.copytree(source, target, ignore=ignore_non_content(source))
    path = target / mutant.file
    text = path.read_text(encoding="utf-8")
    count = text.count(mutant.old)
    if count != 1:
        raise ValueError(
            f"mutant {mutant.name!r}: {mutant.old!r} occurs {count} times in "
            f"stages/step{mutant.stage:02d}/{mutant.file}, expected exactly once"
        )
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
    return target


def grade(mutant: Mutant) -> Outcome:
    """Run the suite on the mutant as its stage's step: killed if `expect` fails."""
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        workdir = Path(tmp)
        try:
            impl = make_copy(mutant, workdir)
        except ValueError as err:
            return Outcome(mutant, False, str(err))
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        # Strictly: a mutant that breaks the code the way the book's code is broken (numbers
        # that promote float32, say) must fail, not be excused as shared with the book.
        run = run_suite(mutant.stage, workdir / "report.json", impl=impl, as_stage=True,
                        timeout=600, env=env)
    if run.report is None:
        return Outcome(mutant, False, "the suite wrote no report:\n" + run.output[-2000:])
    failed = [c.name for c in run.report.capabilities if c.status == "fail"]
    if mutant.expect in failed:
        return Outcome(mutant, True, f"killed: {mutant.expect} failed")
    if failed:
        return Outcome(mutant, False, f"failed {', '.join(failed)} but not {mutant.expect}")
    return Outcome(mutant, False, "survived: every capability passed")


def run_mutants(args) -> int:
    require_modules(args, *SUITE_MODULES, session="mutants")
    mutants = load()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        outcomes = list(pool.map(grade, mutants))
    for outcome in outcomes:
        mark = "killed  " if outcome.killed else "SURVIVED"
        print(f"{mark} step {outcome.mutant.stage:>2}  {outcome.mutant.name}: {outcome.detail}")
    survivors = [o for o in outcomes if not o.killed]
    print(f"{len(outcomes) - len(survivors)} killed, {len(survivors)} survived "
          f"(of {len(outcomes)} mutants in {MUTANTS.name})")
    return 1 if survivors else 0


COMMANDS = (Command("mutants", "check that deliberately broken stages fail the suite",
                    run_mutants),)
