"""The stage command line: `python -m tools <command>` from the repository root.

    list                 every step of the book: its stage folder, title, what it adds
    show N               one step: manifest data, serving stage, files, capabilities
    diff A B             stage A's files against stage B's (unified, --stat, --html)
    new N                start stage N as a copy of the newest stage before it
    freeze               record content hashes of every stage in stages/stages.lock
    check                fail, naming stage and file, where a stage differs from the lock
    carry N PATCH        apply one fix to stages N..last, all or nothing, then re-freeze
    matrix               the shared suite on every stage in parallel: capability x step grid
    demo N               run a stage's demo.py (other options pass through to it)
    grade N PATH         a learner's dezero graded as step N
    mutants              deliberately broken stages must each fail the suite
    site                 build the study site (static HTML of every step) into site/
    site-check [SITE]    the built study site checked in a real browser (Chromium)

This module only builds the parser and dispatches. Adding a command:

    1. Write the command in a module of tools/ (or add it to the module whose job it is).
    2. In that module define `COMMANDS`, a tuple of `tools.common.Command` records:
       `Command(name, help, run, add_arguments=..., passthrough=False, description=None)`,
       where `run(args) -> int` does the work and returns the exit status and
       `add_arguments(parser)` adds the command's own arguments to its subparser.
    3. Add the module to `MODULES` below (the order there is the order of `--help`).

A command that runs the suite or a demo in a subprocess calls `common.require_modules`
first, so a Python without pytest or numpy gets one line saying which Python to use.

Exit status: 0 fine, 1 a check or test failed, 2 bad input (unknown stage, no dezero at
a path, a missing module). Raise `common.CommandError(message, status)` for a clear error;
`registry.UnknownStageError` and `impl.ImplNotFoundError` are reported the same way, with 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from dezero_stages import registry
from dezero_stages.impl import ImplNotFoundError
from tools import carry, demo, diff, grade, listing, lock, matrix, mutants, new, site, site_check
from tools.common import Command, CommandError

MODULES = (listing, diff, new, lock, carry, matrix, demo, grade, mutants, site, site_check)


def commands() -> list[Command]:
    return [command for module in MODULES for command in module.COMMANDS]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools", description="Work with the frozen DeZero stages.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit status: 0 fine, 1 a check or test failed, 2 bad input.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in commands():
        sub = subparsers.add_parser(
            command.name, help=command.help, description=command.description or command.help,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            # A pass-through command sees its own --help and never abbreviates an option it
            # does not know into one it does (`demo 35 --o 3` is not `--out 3`).
            add_help=not command.passthrough, allow_abbrev=not command.passthrough)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run, passthrough_allowed=command.passthrough, parser=sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not args.passthrough_allowed:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.passthrough = extra
    args.argv = argv
    try:
        return args.run(args)
    except BrokenPipeError:
        # `python -m tools list | head`: the reader left; say nothing more.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout for the interpreter's exit
        return 1
    except (registry.UnknownStageError, ImplNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except CommandError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.status
