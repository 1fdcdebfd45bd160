"""How long grading one step takes: a learner's code graded as step N, one step at a time.

    .nox/env/bin/python benchmarks/grade_time.py                # the steps below
    .nox/env/bin/python benchmarks/grade_time.py --steps 9 17 60

For each step it grades this project's own stage as if a learner had written it
(`dezero-stages grade N stages/stepNN`: the --impl path, with its loader, the book's defect
probes, per-test time limits and the report), and, as the baseline measured in the same
run, the same step's stage session (`pytest shared_tests --stage N`, one process, no
report). It prints seconds for both and their ratio, and the slowest grade against the
goal (12 s per step on a 2-core machine). Run it on a quiet machine: both are wall times.
Where a learner corpus file exists for a step (tools/tests/learners/corpus/book-layout),
it is graded too, as steps/stepNN.py.
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from dezero_stages import registry, suite  # noqa: E402

DEFAULT_STEPS = (1, 9, 10, 12, 17, 22, 23, 33, 36, 45, 51, 57, 60)
GOAL_SECONDS = 12.0
CORPUS = ROOT / "tools" / "tests" / "learners" / "corpus" / "book-layout"


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="*", default=list(DEFAULT_STEPS))
    args = parser.parse_args(argv)
    grade = [sys.executable, "-m", "dezero_stages", "grade"]
    print(f"{'step':>4}  {'stage session':>13}  {'grade (stage)':>13}  {'ratio':>5}  "
          f"{'grade (steps/stepNN.py)':>23}")
    slowest = 0.0
    for step in args.steps:
        _, folder = registry.resolve(step)
        base, _ = timed(suite.pytest_command(step, capability_report=False))
        graded, status = timed(grade + [str(step), str(folder)])
        slowest = max(slowest, graded)
        corpus = CORPUS / "steps" / f"step{step:02d}.py"
        learner = ""
        if corpus.is_file():
            seconds, learner_status = timed(grade + [str(step), str(corpus)])
            slowest = max(slowest, seconds)
            learner = f"{seconds:>8.1f} s (exit {learner_status})"
        print(f"{step:>4}  {base:>11.1f} s  {graded:>9.1f} s {status:>1}  "
              f"{graded / base:>5.2f}  {learner:>23}")
    verdict = "within" if slowest <= GOAL_SECONDS else "OVER"
    print(f"slowest grade {slowest:.1f} s: {verdict} the goal of {GOAL_SECONDS:g} s per step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
