"""grade-all: every step a learner's repository holds, each graded as its step.

Finds the steps (dezero_stages.layouts), says which path it took for which, grades them a
few at a time (each grade is its own pytest process), then prints the reports in step
order and one summary line per step. Exit 0 iff no step fails.
"""

from __future__ import annotations

import concurrent.futures
import os
import pathlib
import sys

from dezero_stages import layouts, registry
from dezero_stages import report as report_format
from dezero_stages.fileio import write_atomic
from dezero_stages.grade import DEFAULTS, Graded, GradingError, Options, grade_one, require_modules
from dezero_stages.impl import ImplNotFoundError, locate
from dezero_stages.render_ci import annotations, escape_data, escape_property, junit_xml
from dezero_stages.render_text import WIDTH, render, verdict


def _relative(path: pathlib.Path, root: pathlib.Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


def _grade_found(found: layouts.Found, options: Options) -> Graded:
    step = registry.load_manifest()[found.step]
    try:
        target = locate(found.path)
    except ImplNotFoundError as err:
        return Graded(step, None, None, options, problem=str(err))
    return grade_one(step, target, options)


def grade_all(root, options: Options = DEFAULTS, *, mapping: list[str] = (),
              junit_dir=None, json_dir=None, jobs: int | None = None, out=None,
              github: bool | None = None) -> int:
    """Grade every step found in `root` as its step; 0 iff none failed."""
    out = out or sys.stdout
    github = os.environ.get("GITHUB_ACTIONS") == "true" if github is None else github
    root = pathlib.Path(root).resolve()
    if not root.is_dir():
        raise GradingError(f"{root} is not a folder")
    try:
        found = layouts.discover(root, layouts.parse_map(list(mapping), root))
    except ValueError as err:
        raise GradingError(str(err)) from None
    if not found:
        raise GradingError(
            f"no step found in {root}: looked for steps/stepNN.py, stepNN.py, stepNN_*.py "
            "and stepNN/ folders (two folders deep); name a step's file with --map "
            "N=PATH")
    require_modules()
    gradable = set(registry.gradable_steps())
    todo = [f for f in found if f.step in gradable]
    left_out = [f for f in found if f.step not in gradable]

    print("steps found:", file=out)
    for item in found:
        note = "" if item.step in gradable else "  (not graded)"
        others = f"  (also found: {', '.join(_relative(p, root) for p in item.others)}; " \
                 "--map picks another)" if item.others else ""
        print(f"  step {item.step:>2}: {_relative(item.path, root)}{note}{others}", file=out)

    workers = jobs or min(4, os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        grades = list(pool.map(lambda item: _grade_found(item, options), todo))

    for item, graded in zip(todo, grades, strict=True):
        name = f"step{item.step:02d}"
        if github:
            print(f"::group::{name}: step {item.step} {verdict(graded)}", file=out)
        else:
            print(f"==== {name} " + "=" * max(0, WIDTH - len(name) - 6), file=out)
        out.write(render(graded))
        if github:
            print("::endgroup::", file=out)
            for line in annotations(graded):
                print(line, file=out)
        if json_dir is not None and graded.report is not None:
            report_format.write(pathlib.Path(json_dir) / f"{name}.json", graded.report)
        if junit_dir is not None:
            write_atomic(pathlib.Path(junit_dir) / f"{name}.xml", junit_xml([graded]))

    print("", file=out)
    print("summary:", file=out)
    for item, graded in zip(todo, grades, strict=True):
        print(f"  step {item.step:>2}  {_relative(item.path, root):<28} {verdict(graded)}",
              file=out)
    gradable_text = registry.describe_ranges(sorted(gradable))
    for item in left_out:
        print(f"  step {item.step:>2}  {_relative(item.path, root):<28} not graded: the "
              f"suite grades steps {gradable_text}", file=out)
        if github:
            print(f"::warning title={escape_property(f'step {item.step} not graded')}::"
                  f"the suite grades steps {escape_data(gradable_text)}", file=out)
    failing = [g for g in grades if g.status]
    print(f"{len(grades) - len(failing)} of {len(grades)} steps pass"
          + (f"; {len(left_out)} not graded" if left_out else ""), file=out)
    out.flush()
    return 1 if failing else 0
