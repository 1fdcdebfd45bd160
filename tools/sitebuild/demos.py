"""Each stage's demo, run once per stage content; its output cached by the stage's hash.

The cache entry of a stage is `<cache>/demos/<stage folder>-<hash>/`, where the hash is
the stage's content hash (the lock's per-file sha256s, as tools/lock.py computes them from
the files on disk, hashed once more): an unchanged stage is never run again, a changed one
gets a new entry. An entry holds result.json (exit status, seconds, whether it timed out),
stdout.txt, stderr.txt and figures/*.png. A demo runs with MPLBACKEND=Agg, in a scratch
folder of its own with `--out out`, so what it prints names no path of this machine.
A failing demo is recorded, never raised: the page shows its exit status.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from dezero_stages import registry
from dezero_stages.fileio import write_atomic
from tools.lock import sha256, stage_files

Path = pathlib.Path

DEFAULT_TIMEOUT = 300.0


@dataclasses.dataclass(frozen=True)
class DemoResult:
    stage: int
    returncode: int | None  # None: timed out
    seconds: float
    stdout: str
    stderr: str
    figures: tuple[Path, ...]  # PNG files in the cache entry, sorted by name
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def stage_hash(stage: int) -> str:
    """The stage's content hash: sha256 over its files' lock hashes, in path order."""
    files = stage_files(registry.stage_dir(stage))
    lines = "".join(f"{rel}\t{sha256(path)}\n" for rel, path in sorted(files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def entry_dir(cache: Path, stage: int) -> Path:
    return cache / "demos" / f"{registry.stage_dir(stage).name}-{stage_hash(stage)[:16]}"


def read_entry(entry: Path, stage: int) -> DemoResult | None:
    try:
        meta = json.loads((entry / "result.json").read_text(encoding="utf-8"))
        stdout = (entry / "stdout.txt").read_text(encoding="utf-8")
        stderr = (entry / "stderr.txt").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    figures = tuple(sorted((entry / "figures").glob("*.png")))
    return DemoResult(stage, meta.get("returncode"), float(meta.get("seconds", 0.0)),
                      stdout, stderr, figures, cached=True)


def _clean(text: str, *folders: Path) -> str:
    for folder in folders:
        text = text.replace(str(folder) + os.sep, "").replace(str(folder), ".")
    return text


def run_demo(stage: int, entry: Path, timeout: float) -> DemoResult:
    """Run one stage's demo into a scratch folder, then keep its output as the cache entry."""
    script = registry.stage_dir(stage) / "demo.py"
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    entry.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="demo-", dir=entry.parent) as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, str(script), "--out", "out"], cwd=work,
                                  env=env, capture_output=True, text=True, errors="replace",
                                  timeout=timeout)
            returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as err:
            def text(value):
                return value.decode(errors="replace") if isinstance(value, bytes) else value or ""
            returncode, stdout, stderr = None, text(err.stdout), text(err.stderr)
        seconds = time.perf_counter() - start
        stdout = _clean(stdout, work, registry.ROOT)
        stderr = _clean(stderr, work, registry.ROOT)
        staging = work / "entry"
        (staging / "figures").mkdir(parents=True)
        for png in sorted((work / "out").rglob("*.png")):
            shutil.copyfile(png, staging / "figures" / png.name)
        (staging / "stdout.txt").write_text(stdout, encoding="utf-8")
        (staging / "stderr.txt").write_text(stderr, encoding="utf-8")
        write_atomic(staging / "result.json", json.dumps(
            {"returncode": returncode, "seconds": round(seconds, 3)}, indent=2) + "\n")
        if entry.exists():
            shutil.rmtree(entry)
        staging.rename(entry)
    kept = read_entry(entry, stage)
    if kept is None:
        return DemoResult(stage, returncode, seconds, stdout, stderr, ())
    return dataclasses.replace(kept, cached=False)


def has_demo(stage: int) -> bool:
    return (registry.stage_dir(stage) / "demo.py").is_file()


def collect(stages: list[int], cache: Path, *, jobs: int = 2,
            timeout: float = DEFAULT_TIMEOUT, run=run_demo, log=None) -> dict[int, DemoResult]:
    """Every stage's demo result: from the cache, or run (`jobs` at a time) and cached."""
    results, todo = {}, []
    for stage in stages:
        if not has_demo(stage):
            continue
        entry = entry_dir(cache, stage)
        cached = read_entry(entry, stage)
        if cached is not None:
            results[stage] = cached
        else:
            todo.append((stage, entry))
        # Entries of this stage's older contents are never read again.
        for old in sorted(entry.parent.glob(f"{registry.stage_dir(stage).name}-*")):
            if old != entry and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    if todo:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(run, stage, entry, timeout): stage for stage, entry in todo}
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                results[result.stage] = result
                if log is not None:
                    how = ("timed out" if result.returncode is None
                           else f"exit {result.returncode}")
                    log(f"  demo {registry.stage_dir(result.stage).name}: {how} "
                        f"({result.seconds:.1f} s)")
    return dict(sorted(results.items()))
