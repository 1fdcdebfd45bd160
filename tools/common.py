"""What every command module shares: the Command record, errors, colour and small helpers."""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import pathlib
import shlex
import sys
from collections.abc import Callable

from dezero_stages import registry

# The environment nox builds (README: "two commands"): it has everything the tools need.
ENV_PYTHON = ".nox/env/bin/python"
# What the shared suite needs in the Python that runs it (see require_modules).
SUITE_MODULES = ("pytest", "numpy")


class CommandError(Exception):
    """A failure to report as one clear message; `status` is the exit code."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    return None


@dataclasses.dataclass(frozen=True)
class Command:
    """One `python -m tools NAME` command (see tools/cli.py for the convention).

    run: does the work, returns the exit status. add_arguments: adds the command's own
    arguments to its subparser. description: the longer text of `COMMAND --help` (default:
    help). passthrough: arguments the command does not know go to `args.passthrough`
    instead of being refused, and the command handles -h/--help itself (`demo`).
    """

    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    add_arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    passthrough: bool = False
    description: str | None = None


# ---------------------------------------------------------------------------------------------
# The modules a command needs in the Python that runs it


def importable(name: str) -> bool:
    """Whether this Python can import a top-level module (found, not imported)."""
    return importlib.util.find_spec(name) is not None


def require_modules(args: argparse.Namespace, *names: str, session: str | None = None) -> None:
    """Refuse (exit 2) in one line, before anything is spawned, where a module is missing.

    The suite and the demos run in subprocesses of this same Python; without pytest or numpy
    they would die with a traceback. `session`: the nox session that runs this command.
    """
    missing = [name for name in names if not importable(name)]
    if not missing:
        return
    argv = getattr(args, "argv", None) or [args.command]
    how = f"{ENV_PYTHON} -m tools {shlex.join(argv)}"
    if session is not None:
        how += f" or nox -s {session}" + (f" -- {shlex.join(argv[1:])}" if argv[1:] else "")
    raise CommandError(
        f"{args.command} needs {' and '.join(missing)}, which {sys.executable} cannot import; "
        f"run it with {how}", status=2)


def python_for_suite() -> str:
    """How to spell, in a hint to run, a Python that has pytest and numpy.

    The Python running this command if it has both (as the user would type it from the
    repository root), else the nox environment's.
    """
    if all(importable(name) for name in SUITE_MODULES):
        return rel_to_root(pathlib.Path(sys.executable))
    return ENV_PYTHON


# ---------------------------------------------------------------------------------------------
# Steps and paths


def manifest_step(number: int) -> registry.Step:
    """The manifest entry of a step; an unknown number lists the steps the manifest has."""
    steps = registry.load_manifest()
    if number not in steps:
        raise registry.UnknownStageError(
            f"unknown step {number}: the manifest has steps "
            f"{registry.describe_ranges(sorted(steps))}"
        )
    return steps[number]


def rel_to_root(path: pathlib.Path) -> str:
    """A path as the user would type it from the repository root."""
    try:
        return pathlib.Path(path).relative_to(registry.STAGES_DIR.parent).as_posix()
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# Text


def plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def output_tail(output: str, lines: int = 25) -> str:
    return "\n".join(output.rstrip().splitlines()[-lines:])


def indent_message(message: str, indent: str, max_lines: int = 6) -> str:
    """A failure message, every line indented, cut short after `max_lines` lines."""
    lines = [line.rstrip() for line in message.strip().splitlines()] or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... ({len(lines) - max_lines} more lines)"]
    return "\n".join(indent + line if line else "" for line in lines)


ANSI = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "cyan": "36", "dim": "2"}


class Painter:
    """Wraps text in ANSI colour codes, or leaves it alone when colour is off."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{ANSI[style]}m{text}\x1b[0m" if self.enabled and text else text


def add_step_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("step", type=registry.stage_argument, metavar="N")


def add_colour_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the output (auto: only on a terminal)")


def painter(args: argparse.Namespace, stream=None) -> Painter:
    """The Painter that --color asks for: always / never / auto (a terminal, unless
    NO_COLOR is set)."""
    if args.color != "auto":
        return Painter(args.color == "always")
    stream = stream or sys.stdout
    return Painter(stream.isatty() and not os.environ.get("NO_COLOR"))
