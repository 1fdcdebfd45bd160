"""The matrix report the site shows: one given with --matrix, or the one cached.

`python -m tools matrix --json FILE` writes {"wall_seconds", "stages": [{"step",
"returncode", "seconds", "report"}]}, each report in dezero_stages.report's schema. The
cache keeps one at `<cache>/matrix.json` with the sha256 of what the matrix's outcome depends
on beside it (`matrix.lock-sha256`: stages/stages.lock, the shared suite and dezero_stages);
`--run-matrix` runs the matrix again when that hash differs, or when the cached run left a
stage without a report (a crash is not kept as if it were the stage's status).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pathlib
import subprocess
import sys

from dezero_stages import registry
from dezero_stages import report as report_format
from tools.common import CommandError
from tools.runner import StageRun

Path = pathlib.Path


@dataclasses.dataclass
class MatrixStatus:
    runs: dict[int, StageRun]  # by step
    source: str  # what the pages say it came from ("the cached matrix run", a file name)
    stale: bool = False  # the cached report was made from another stages.lock


SUITE_SOURCES = ("shared_tests", "dezero_stages")  # beside the stages, what decides a status


def lock_hash() -> str:
    """sha256 of stages.lock and the suite's sources: a change to either re-runs the matrix."""
    digest = hashlib.sha256()
    paths = [registry.lock_path()]
    for folder in SUITE_SOURCES:
        paths += sorted((registry.ROOT / folder).glob("*.py"))
        paths += sorted((registry.ROOT / folder).glob("*.toml"))
    for path in paths:
        if path.is_file():
            digest.update(path.relative_to(registry.ROOT).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def load(path: Path, source: str, stale: bool = False) -> MatrixStatus:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        runs = {}
        for entry in data["stages"]:
            report = entry.get("report")
            runs[int(entry["step"])] = StageRun(
                int(entry["step"]), None if report is None else report_format.from_dict(report),
                entry.get("returncode"), float(entry.get("seconds") or 0.0))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CommandError(f"{path}: not a matrix report from `python -m tools matrix "
                           f"--json` ({err})", status=2) from None
    return MatrixStatus(dict(sorted(runs.items())), source, stale)


def cached_paths(cache: Path) -> tuple[Path, Path]:
    return cache / "matrix.json", cache / "matrix.lock-sha256"


def run_matrix(cache: Path, log) -> None:
    """Run `python -m tools matrix --json` into the cache (a failing stage still counts)."""
    report, stamp = cached_paths(cache)
    cache.mkdir(parents=True, exist_ok=True)
    partial = report.with_suffix(".json.part")
    log("  running the matrix (python -m tools matrix --json) ...")
    proc = subprocess.run([sys.executable, "-m", "tools", "matrix", "--json", str(partial),
                           "--color", "never"],
                          cwd=registry.ROOT, capture_output=True, text=True)
    if not partial.is_file():
        tail = (proc.stdout + proc.stderr)[-2000:]
        raise CommandError(f"the matrix wrote no report (exit {proc.returncode}):\n{tail}")
    complete = all(run.report is not None for run in load(partial, "").runs.values())
    partial.replace(report)
    # A run that left a stage without a report (a crash, a time-out) is shown, but not kept
    # as current: the next --run-matrix runs it again.
    stamp.write_text((lock_hash() if complete else "incomplete") + "\n", encoding="utf-8")


def find(matrix_file: str | None, cache: Path, run: bool, log) -> MatrixStatus | None:
    """The report to show: --matrix FILE, else the cache (refreshed first with run=True)."""
    if matrix_file:
        return load(Path(matrix_file), Path(matrix_file).name)
    report, stamp = cached_paths(cache)
    current = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None
    if run and (not report.is_file() or current != lock_hash()):
        run_matrix(cache, log)
        current = lock_hash()
    if not report.is_file():
        return None
    return load(report, "the cached matrix run", stale=current != lock_hash())


def summary(run: StageRun | None) -> tuple[str, str]:
    """(css class, words) for one step's matrix status."""
    if run is None:
        return "none", "not in the matrix report"
    if run.report is None:
        return "fail", "no report (the run stopped)" if run.returncode is not None \
            else "timed out"
    counts = run.counts
    if run.broken and not (counts["pass"] or counts["fail"] or counts["partial"]):
        return "fail", f"the suite did not run (pytest exit {run.returncode})"
    words = f"{counts['pass']} pass"
    if counts["partial"]:
        words += f", {counts['partial']} partly"
    if counts["fail"]:
        return "fail", f"{counts['fail']} FAIL, " + words
    if run.broken:
        return "fail", words + f", pytest exit {run.returncode}"
    return "pass", words
