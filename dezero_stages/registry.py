"""The stage registry: which steps exist, which have a folder, and where it is.

Everything that needs to know about stages (the noxfile, the CLI, the shared suite) asks
this module, so that adding `stages/stepNN` is the only change a new stage needs.
Standard library only: the noxfile imports it before any environment exists.

The manifest of the book's steps (manifest.toml, beside this module) travels with the
installed package, so grading works without a clone; the stage folders do not travel: where
there is no stages/ (an installed copy), no stage is built and code is graded with --impl.
"""

from __future__ import annotations

import argparse
import dataclasses
import pathlib
import tomllib

from dezero_stages import capabilities
from dezero_stages.naming import FINAL, FINAL_NAME, folder_name, label, parse, step_label  # noqa: F401

ROOT = pathlib.Path(__file__).resolve().parent.parent
STAGES_DIR = ROOT / "stages"
MANIFEST = pathlib.Path(__file__).resolve().parent / "manifest.toml"
LOCK_NAME = "stages.lock"


class UnknownStageError(ValueError):
    """A step number that the registry cannot serve; the message lists the valid ones."""


@dataclasses.dataclass(frozen=True)
class Step:
    number: int
    title: str
    title_ko: str
    milestone: int
    code: bool
    adds: str

    @property
    def folder_name(self) -> str:
        return folder_name(self.number)

    @property
    def label(self) -> str:
        return label(self.number)


def load_manifest() -> dict[int, Step]:
    with MANIFEST.open("rb") as f:
        data = tomllib.load(f)
    steps = {}
    for entry in data["step"]:
        step = Step(**entry)
        steps[step.number] = step
    return steps


def stage_dir(number: int) -> pathlib.Path:
    return STAGES_DIR / folder_name(number)


def lock_path() -> pathlib.Path:
    """The lock file: content hashes of every frozen stage (written by `tools freeze`)."""
    return STAGES_DIR / LOCK_NAME


def built_stages() -> list[int]:
    """Step numbers that have a folder holding a `dezero` package, in order (FINAL last)."""
    found = []
    for path in sorted(STAGES_DIR.glob("step[0-9][0-9]")):
        if (path / "dezero" / "__init__.py").is_file():
            found.append(int(path.name[4:]))
    if (stage_dir(FINAL) / "dezero" / "__init__.py").is_file():
        found.append(FINAL)
    return found


def stage_argument(text: str) -> int:
    """argparse's `type=` for a stage: '17' or 'final' (existence is checked by resolve)."""
    try:
        return parse(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def session_steps() -> list[int]:
    """Every step up to the newest built stage: code steps and the no-code steps between them."""
    built = built_stages()
    if not built:
        return []
    return [n for n in sorted(load_manifest()) if n <= built[-1]]


def gradable_steps() -> list[int]:
    """Every step the suite can grade code of one's own as (--impl): the manifest's steps up
    to the newest step that the capability table has a capability for.

    Needs no stage folder: an installed copy, with no stages/, grades the same steps.
    """
    newest = max(cap.step for cap in capabilities.CAPABILITIES)
    return [n for n in sorted(load_manifest()) if n <= newest]


def resolve(number: int) -> tuple[int, pathlib.Path]:
    """Map a step to the stage that implements it: (stage number, folder).

    A step without code (5, 15, ...) is served by the nearest earlier stage.
    Raises UnknownStageError naming the valid steps otherwise.
    """
    valid = session_steps()
    if number not in valid:
        raise UnknownStageError(
            f"unknown stage {label(number)}: valid stages are {describe_ranges(valid)}"
        )
    built = [n for n in built_stages() if n <= number]
    return built[-1], stage_dir(built[-1])


def describe_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3, 5'; FINAL is named apart: '1-60, final' (error messages)."""
    if not numbers:
        return "none (no stage folder exists yet)"
    if FINAL in numbers:
        rest = [n for n in numbers if n != FINAL]
        return f"{describe_ranges(rest)}, {FINAL_NAME}" if rest else FINAL_NAME
    parts, start, prev = [], numbers[0], numbers[0]
    for n in numbers[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}-{prev}" if prev != start else f"{start}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
