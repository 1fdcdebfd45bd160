"""new: start the next stage as a copy of the one before it.

    new N                start stage N as a copy of the newest stage before it
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import tempfile

from dezero_stages import registry
from tools.common import (
    Command,
    CommandError,
    add_step_argument,
    manifest_step,
    python_for_suite,
    rel_to_root,
)
from tools.lock import ignore_non_content

Path = pathlib.Path

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


def run_new(args) -> int:
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
    python = python_for_suite()
    steps = [
        (f"make step {step.number}'s changes in {target_rel}/dezero/ "
         f"and rewrite {target_rel}/demo.py for step {step.number}", ""),
        (f"{python} -m tools diff {base} {step.number}", "should read like the book's step"),
        (f"{python} -m pytest shared_tests --stage {step.number}",
         f"or: nox -s stage-{step.number}"),
        (f"{python} -m tools freeze", "record it in the lock, then commit"),
    ]
    width = max(len(text) for text, note in steps if note)
    print("next:")
    for i, (text, note) in enumerate(steps, 1):
        print(f"  {i}. {text:<{width}}   # {note}" if note else f"  {i}. {text}")
    return 0


COMMANDS = (Command("new", "start stage N as a copy of the newest stage before it", run_new,
                    add_step_argument),)
