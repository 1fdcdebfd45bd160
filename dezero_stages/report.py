"""The report of one shared-suite run: one result per capability.

The suite's pytest plugin (shared_tests/conftest.py) builds it with `summarise` and writes it
with `write`; the tools (matrix, grade, mutants) read it with `read`. Nothing else writes or
parses the JSON.

Schema (JSON, `"schema": 1`)::

    {
      "schema": 1,
      "step": 17,                 # the step the code was graded as
      "stage": 17,                # the stage folder that served it, or null for --impl
      "impl": "/abs/folder",      # the folder dezero was imported from
      "dezero_file": "/abs/folder/dezero/__init__.py",
      "exitstatus": 0,            # pytest's exit status
      "strict": false,            # --strict: known book defects count as fails
      "vehicles": ["square"],     # functions built on the graded code's own Function
      "defects": [{"name": "leaf-backward", "title": "...", "explanation": "...",
                   "fix": "..."}],  # known book defects this code has (--impl only)
      "capabilities": [           # every row of the capability table, in table order
        {"name": "weakref-outputs", "step": 17, "until": null, "kind": "feature",
         "summary": "...", "status": "pass",
         "passed": 3, "failed": 0, "skipped": 0,
         "failures": [{"test": "shared_tests/test_memory.py::...", "message": "...",
                       "kind": "real"}],   # or "missing", or "book:<defect name>"
         "skips": ["dot-render: graphviz's dot is not installed"]}
      ]
    }

A capability's `status` is one of STATUSES.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import pathlib

from dezero_stages import capabilities as caps
from dezero_stages.fileio import write_atomic

SCHEMA = 1

STATUSES = {
    "pass": "every test of it ran and passed",
    "partial": "the tests that ran passed, but some were skipped (the reasons say why)",
    "fail": "at least one test failed",
    "untested": "it applies to this step, but no test of it ran",
    "arrives": "it arrives in a later step",
    "fixed": "a pin whose limitation an earlier step already fixed",
    "not-graded": "a convention of this project's stages, not checked in other code",
    # Only for code graded with --impl, where the book's own step programs are the model:
    "missing": "not in your code: an API of an earlier step that this code does not have",
    "ahead": "a pin that does not hold: the code already does what a later step adds",
    "book": "shared with the book: a known defect of the book's own code (see why and the fix)",
}

# Which statuses make a run fail. "book" is one only under --strict (it is then "fail").
FAILING = ("fail",)


@dataclasses.dataclass
class Failure:
    test: str
    message: str
    kind: str = "real"  # "real", "missing" (no such name in the code) or "book:<defect>"


@dataclasses.dataclass
class CapabilityResult:
    name: str
    step: int
    until: int | None
    kind: str
    summary: str
    status: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[Failure] = dataclasses.field(default_factory=list)
    skips: list[str] = dataclasses.field(default_factory=list)

    @property
    def span(self) -> str:
        """When it applies: "17" (from step 17 on) or "7-16" for a pin."""
        return str(self.step) if self.until is None else f"{self.step}-{self.until}"


@dataclasses.dataclass
class Report:
    step: int
    stage: int | None
    impl: str
    dezero_file: str
    exitstatus: int
    capabilities: list[CapabilityResult]
    schema: int = SCHEMA
    strict: bool = False
    vehicles: list[str] = dataclasses.field(default_factory=list)
    defects: list[dict] = dataclasses.field(default_factory=list)

    def capability(self, name: str) -> CapabilityResult | None:
        return next((c for c in self.capabilities if c.name == name), None)

    def counts(self) -> collections.Counter:
        """How many capabilities have each status."""
        return collections.Counter(c.status for c in self.capabilities)

    def failures(self) -> list[tuple[str, Failure]]:
        """(capability name, failure) for every failing test."""
        return [(c.name, f) for c in self.capabilities if c.status == "fail"
                for f in c.failures]


def status_of(cap: caps.Capability, step: int, counts: dict, stage_code: bool = True,
              kinds: tuple[str, ...] = (), strict: bool = False) -> str:
    """The one rule that turns a capability's test outcomes at a step into its status.

    A capability that applies is never skipped for its step, so any skip counted here had
    another reason (no `dot`, no IPython): its tests ran only in part.

    For code graded with --impl (stage_code False), `kinds` says why each test failed:
    "missing" (the code has no such name), "book:<defect>" (a known defect of the book's own
    code) or "real". Only real failures fail; a missing API of the graded step itself is
    real too, since that step is what is graded, and so is a book defect under `strict`.
    A pin whose tests fail for real is a limitation the code no longer has: "ahead".
    """
    if cap.stage_only and not stage_code:
        return "not-graded"
    timing = cap.timing(step)
    if timing is not None:
        return timing
    if counts.get("failed"):
        if stage_code:
            return "fail"
        real = [k for k in kinds if k == "real" or (k == "missing" and cap.step == step)
                or (k.startswith("book:") and strict)]
        if real:
            return "ahead" if cap.kind == "pin" else "fail"
        return "book" if any(k.startswith("book:") for k in kinds) else "missing"
    if counts.get("passed"):
        return "partial" if counts.get("skipped") else "pass"
    return "untested"


def summarise(step: int, counts: dict, failures: dict, skips: dict,
              stage_code: bool = True, strict: bool = False) -> list[CapabilityResult]:
    """One result per row of the capability table, from per-capability outcome counts.

    counts: {name: {"passed": n, "failed": n, "skipped": n}}; failures: {name: [Failure]};
    skips: {name: [reason]} for its skipped tests. stage_code: False for --impl code, whose
    stage-only conventions are not graded.
    """
    results = []
    for cap in caps.CAPABILITIES:
        counted = counts.get(cap.name, {})
        reasons = sorted(set(skips.get(cap.name, [])))
        results.append(CapabilityResult(
            name=cap.name, step=cap.step, until=cap.until, kind=cap.kind, summary=cap.summary,
            status=status_of(cap, step, counted, stage_code,
                             tuple(f.kind for f in failures.get(cap.name, [])), strict),
            passed=counted.get("passed", 0), failed=counted.get("failed", 0),
            skipped=counted.get("skipped", 0), failures=list(failures.get(cap.name, [])),
            skips=reasons,
        ))
    return results


def to_dict(report: Report) -> dict:
    return dataclasses.asdict(report)


def from_dict(data: dict) -> Report:
    """A report from its JSON form; raises ValueError naming what is wrong."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"not a dezero-stages report of schema {SCHEMA}")
    try:
        results = [CapabilityResult(**{**c, "failures": [Failure(**f) for f in c["failures"]]})
                   for c in data["capabilities"]]
        fields = {k: data[k] for k in ("step", "stage", "impl", "dezero_file", "exitstatus")}
        fields.update({k: data[k] for k in ("strict", "vehicles", "defects") if k in data})
    except (KeyError, TypeError) as err:
        raise ValueError(f"malformed dezero-stages report: {err}") from None
    return Report(**fields, capabilities=results)


def write(path, report: Report) -> None:
    write_atomic(pathlib.Path(path), json.dumps(to_dict(report), indent=2) + "\n")


def read(path) -> Report | None:
    """The report at `path`, or None where there is none (the run did not get that far)."""
    try:
        data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return from_dict(data)
