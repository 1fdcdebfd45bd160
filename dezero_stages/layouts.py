"""Where a learner's repository keeps each step: the layouts people use for this book.

    steps/step09.py          the book's own layout (steps 1-22 self-contained, 23-60
                             scripts that import the dezero/ package beside steps/)
    step09.py, step09_*.py   files at the top, or in a folder per milestone
    step09/                  a folder per step holding dezero/ or dezero.py

`discover` looks at most two folders deep and returns one Found per step, saying which
path it took and which others it passed over; `--map N=PATH` names a step's path outright.
It decides nothing about grading: dezero_stages.impl.locate turns each path into what is
imported.
"""

from __future__ import annotations

import dataclasses
import pathlib
import re

_STEP_FILE = re.compile(r"^step_?(\d{1,2})(?:[_\-.][\w\-.]*)?\.py$", re.IGNORECASE)
_STEP_FOLDER = re.compile(r"^step_?(\d{1,2})(?:[_\-][\w\-]*)?$", re.IGNORECASE)
# Folders that hold no one's steps: environments, caches, version control, test fixtures.
_IGNORED = {"__pycache__", "node_modules", "site-packages", "venv", "env", "build", "dist"}
MAX_DEPTH = 2


@dataclasses.dataclass(frozen=True)
class Found:
    step: int
    path: pathlib.Path
    how: str  # "--map", "folder", "file"
    others: tuple[pathlib.Path, ...] = ()  # other candidates for the same step, not taken


def _holds_dezero(folder: pathlib.Path) -> bool:
    return (folder / "dezero" / "__init__.py").is_file() or (folder / "dezero.py").is_file()


def _folders(root: pathlib.Path, depth: int = 0):
    yield root, depth
    if depth >= MAX_DEPTH:
        return
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.name.startswith(".") and child.name not in _IGNORED \
                and child.name != "dezero":
            yield from _folders(child, depth + 1)


def candidates(root: pathlib.Path) -> list[tuple[int, pathlib.Path, str, tuple]]:
    """(step, path, how, rank) for every step file or step folder under root."""
    found = []
    for folder, depth in _folders(root):
        for path in sorted(folder.iterdir()):
            if path.is_file():
                match = _STEP_FILE.match(path.name)
                if match:
                    exact = path.stem.lower() in (f"step{int(match[1]):02d}",
                                                   f"step{int(match[1])}")
                    found.append((int(match[1]), path, "file", (depth, not exact, path.name)))
            elif path.is_dir() and path is not folder:
                match = _STEP_FOLDER.match(path.name)
                if match and _holds_dezero(path):
                    found.append((int(match[1]), path, "folder", (depth, False, "")))
    return found


def parse_map(entries: list[str], root: pathlib.Path) -> dict[int, pathlib.Path]:
    """--map N=PATH entries (PATH relative to root); ValueError naming a bad one."""
    mapping = {}
    for entry in entries:
        number, sep, path = entry.partition("=")
        if not sep or not number.strip().isdigit() or not path.strip():
            raise ValueError(f"--map {entry}: write the step, '=', and the path "
                             "(--map 9=steps/step09.py)")
        mapping[int(number)] = (root / path.strip()).resolve()
    return mapping


def discover(root, mapping: dict[int, pathlib.Path] | None = None) -> list[Found]:
    """One Found per step, in step order: --map first, else the best candidate (the
    shallowest; `step09.py` before `step09_extra.py`)."""
    root = pathlib.Path(root).resolve()
    by_step: dict[int, list] = {}
    for step, path, how, rank in candidates(root):
        by_step.setdefault(step, []).append((rank, path, how))
    result = []
    for step in sorted(set(by_step) | set(mapping or {})):
        options = [p for _, p, _ in sorted(by_step.get(step, []), key=lambda c: c[0])]
        if mapping and step in mapping:
            chosen = mapping[step]
            result.append(Found(step, chosen, "--map",
                                tuple(p for p in options if p != chosen)))
            continue
        best = sorted(by_step[step], key=lambda c: c[0])
        result.append(Found(step, best[0][1], best[0][2], tuple(p for _, p, _ in best[1:])))
    return result
