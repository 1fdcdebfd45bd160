"""demo: run a stage's demo.py, passing on the options this command does not know.

    demo N [--out DIR] [DEMO OPTIONS]    e.g. demo 35 --order 3; demo 35 --help lists them
"""

from __future__ import annotations

import subprocess
import sys

from dezero_stages import registry
from tools.common import Command, CommandError, rel_to_root, require_modules

DESCRIPTION = """run a stage's demo.py

Options this command does not know pass through to the demo itself, e.g.
`python -m tools demo 35 --order 3`. `python -m tools demo N --help` shows demo N's
own options."""


def run_demo(args) -> int:
    if args.step is None:
        if args.help:
            args.parser.print_help()
            return 0
        raise CommandError("say which step's demo to run: python -m tools demo N", status=2)
    stage, folder = registry.resolve(args.step)
    script = folder / "demo.py"
    if not script.is_file():
        raise CommandError(f"{rel_to_root(script)} does not exist")
    modules = ["numpy"]
    if "import matplotlib" in script.read_text(encoding="utf-8"):
        modules.append("matplotlib")
    require_modules(args, *modules, session="demo")
    if stage != args.step:
        print(f"step {args.step} has no code: running the demo of stage {stage}",
              file=sys.stderr)
    if args.help:
        print(f"demo {args.step}'s own options, from {rel_to_root(script)}; "
              f"`python -m tools demo {args.step} OPTIONS` passes them on:", flush=True)
        return subprocess.run([sys.executable, str(script), "--help"]).returncode
    out = args.out or f"out/{registry.folder_name(args.step)}"
    command = [sys.executable, str(script), "--out", out, *args.passthrough]
    return subprocess.run(command).returncode


def add_arguments(parser) -> None:
    parser.add_argument("step", type=registry.stage_argument, metavar="N", nargs="?",
                        help="the step whose demo to run")
    parser.add_argument("--out", metavar="DIR", help="output folder (default out/stepNN)")
    parser.add_argument("-h", "--help", action="store_true",
                        help="this help; with N, the demo's own options")


COMMANDS = (Command("demo", "run a stage's demo.py (other options pass through to it)",
                    run_demo, add_arguments, passthrough=True, description=DESCRIPTION),)
