"""list and show: what the manifest says about each step, and which stage serves it.

    list                 every step of the book: its stage folder, title, what it adds
    show N               one step: manifest data, serving stage, files, capabilities
"""

from __future__ import annotations

from dezero_stages import capabilities, registry
from tools.common import Command, add_step_argument, manifest_step, rel_to_root
from tools.lock import stage_files


def serving_stage(number: int) -> int | None:
    """The built stage that serves a step, or None where that stage is not built yet."""
    try:
        return registry.resolve(number)[0]
    except registry.UnknownStageError:
        return None


def run_list(args) -> int:
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
        print(f"{registry.label(number):>5}  {where:<29} {step.title}: {step.adds}")
    return 0


def run_show(args) -> int:
    step = manifest_step(args.step)
    print(f"{registry.step_label(step.number)}: {step.title} ({step.title_ko})")
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
    arriving = capabilities.arriving_in(step.number)
    fixed = [c for c in capabilities.CAPABILITIES
             if c.until is not None and c.until + 1 == step.number]
    if arriving:
        print(f"  capabilities arriving in {registry.step_label(step.number)}")
        for cap in arriving:
            kind = f"pin, until step {cap.until}: " if cap.kind == "pin" else ""
            print(f"    {cap.name:<24} {kind}{cap.summary}")
    if fixed:
        print(f"  limitations fixed in {registry.step_label(step.number)}")
        for cap in fixed:
            print(f"    {cap.name:<24} {cap.summary}")
    if not arriving and not fixed:
        print("  capabilities: none arrive in this step")
    return 0


COMMANDS = (
    Command("list", "every step: stage folder, title, what it adds", run_list),
    Command("show", "a step's manifest data, stage, files and capabilities", run_show,
            add_step_argument),
)
