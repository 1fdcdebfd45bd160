"""Running the shared suite for one step, and what that run left: a StageRun.

matrix and mutants run the suite through `run_suite` (and grade through the same
dezero_stages.run.run_suite it wraps): the command line comes from dezero_stages.suite,
the report is read with dezero_stages.report, nothing here parses JSON.
"""

from __future__ import annotations

import os
import pathlib
import queue
import re
import subprocess
import threading
import time

from dezero_stages import batch, registry
from dezero_stages import report as report_format
from dezero_stages.report import Report
from dezero_stages.run import Run
from dezero_stages.run import run_suite as run_one


class StageRun(Run):
    """A Run (dezero_stages.run: one rule for a broken run) for one step of many."""

    def __init__(self, step: int, report: Report | None, returncode: int | None = 0,
                 seconds: float = 0.0, output: str = ""):
        super().__init__(report, returncode, output, seconds, step)


def run_suite(step: int, report_path: pathlib.Path, *, impl: pathlib.Path | None = None,
              strict: bool = False, timeout: float | None = None, capture: bool = True,
              env: dict[str, str] | None = None, as_stage: bool = False) -> StageRun:
    """Run the shared suite as step `step` (on `impl` if given) in one process, no xdist.

    The run itself is dezero_stages.run.run_suite (what `grade` runs too). strict: with
    impl, a known defect of the book's own code fails as well. as_stage: grade impl as this
    project's stage `step` (mutants are broken stages: their conventions count, nothing is
    excused). A run that takes longer than `timeout` seconds is stopped (returncode None).
    """
    run = run_one(step, report_path, impl=impl, strict=strict, timeout=timeout,
                            capture=capture, env=env, as_stage=as_stage)
    return StageRun(step, run.report, run.returncode, run.seconds, run.output)


# A batch worker's line for each step it finished (see dezero_stages.batch).
_FINISHED = re.compile(r"^step (\d+): exit (\d+) in ([\d.]+) s$")


def run_batch(steps: list[int], workdir: pathlib.Path, jobs: int, *,
              timeout: float | None = None, on_finish=None) -> list[StageRun]:
    """Run the suite for many steps on `jobs` worker processes (dezero_stages.batch).

    Each worker imports Python's heavy modules once and runs its share of the steps one
    after another, so a step costs its tests, not a new interpreter. Bytecode is cached
    (the suite's assertion rewriting with it) even where PYTHONDONTWRITEBYTECODE is set.
    `on_finish(run)` is called as each step finishes. A worker that runs past `timeout`
    seconds per step it was given is stopped; its unfinished steps have returncode None.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    lines: queue.Queue = queue.Queue()
    workers = []
    for share in batch.plan(steps, jobs):
        proc = subprocess.Popen(batch.command(share, workdir), cwd=registry.ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = None if timeout is None else time.monotonic() + timeout * len(share)
        workers.append((proc, share, deadline))
        threading.Thread(target=_read_lines, args=(proc, lines), daemon=True).start()
    runs, alive, noise = {}, len(workers), []
    while alive:
        try:
            proc, line = lines.get(timeout=1.0)
        except queue.Empty:
            _stop_late(workers)
            continue
        if line is None:
            alive -= 1
            continue
        match = _FINISHED.match(line.rstrip())
        if match is None:
            noise.append(line)  # a crash's traceback: shown with the steps it left unrun
            continue
        step = int(match[1])
        runs[step] = _batch_run(step, workdir, int(match[2]), float(match[3]))
        if on_finish is not None:
            on_finish(runs[step])
    for proc, share, _ in workers:
        proc.wait()
        for step in share:
            if step not in runs:  # the worker died or was stopped before this step ended
                late = proc.returncode in (-9, -15)
                runs[step] = StageRun(step, None, None if late else proc.returncode, 0.0,
                                      "".join(noise) or f"worker exit status {proc.returncode}")
                if on_finish is not None:
                    on_finish(runs[step])
    return [runs[step] for step in sorted(runs)]


def _read_lines(proc, lines: queue.Queue) -> None:
    for line in proc.stdout:
        lines.put((proc, line))
    lines.put((proc, None))


def _stop_late(workers) -> None:
    now = time.monotonic()
    for proc, _, deadline in workers:
        if deadline is not None and now > deadline and proc.poll() is None:
            proc.kill()


def _batch_run(step: int, workdir: pathlib.Path, status: int, seconds: float) -> StageRun:
    report_path = workdir / f"{registry.folder_name(step)}.json"
    log = workdir / f"{registry.folder_name(step)}.log"
    output = log.read_text(encoding="utf-8") if log.is_file() else ""
    try:
        report = report_format.read(report_path)
    except ValueError as err:
        report = None
        output += f"\n{report_path}: {err}"
    return StageRun(step, report, status, seconds, output)


def _text(data) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")
