"""The report of one shared-suite run, and the words for it: one result per capability.

This module owns the vocabulary. STATUSES is the one table of what a capability's status can
be: its label in the learner's report, its prose, and whether it counts as a failure; every
presenter (the learner's text, JUnit and annotations, the matrix grid, the suite's own
summary) reads it from here. `status_of` is the one rule that turns test outcomes into a
status.

The suite's pytest plugin (shared_tests/conftest.py) builds the report with `summarise` and
writes it with `write`; the tools (matrix, grade, mutants) read it with `read`. Nothing else
writes or parses the JSON.

Schema (JSON, `"schema": 2`)::

    {
      "schema": 2,
      "step": 17,                 # the step the code was graded as
      "stage": 17,                # the stage folder that served it, or null for --impl
      "impl": "/abs/folder",      # the folder dezero was imported from
      "dezero_file": "/abs/folder/dezero/__init__.py",
      "exitstatus": 0,            # pytest's exit status
      "strict": false,            # --strict: known book defects count as fails
      "vehicles": ["square"],     # functions built on the graded code's own Function
      "defects": [{"name": "leaf-backward", "title": "...", "explanation": "...",
                   "fix": "..."}],  # known book defects this code has (--impl only)
      "skipped_lines": [{"line": 60, "text": "print(x.grad)"}],  # the script part left out
      "aliases": {"cleargrad": "clear_grad"},   # --alias: the learner's spellings
      "load_error": null,         # or {"file", "line", "error", "hint"}: the code did not import
      "capabilities": [           # every row of the capability table, in table order
        {"name": "weakref-outputs", "step": 17, "until": null, "kind": "feature",
         "summary": "...", "status": "pass",
         "passed": 3, "failed": 0, "skipped": 0,
         "failures": [{"test": "shared_tests/test_memory.py::...", "message": "...",
                       "kind": "real",        # see FAILURE_KINDS
                       "name": null,          # missing/spelling: the name the test wanted
                       "spelled": null,       # spelling: the learner's spelling of it
                       "defect": null,        # book: the known defect that explains it
                       "frame": null,         # the learner's frame that raised: file:line in f
                       "error": "AssertionError",
                       "hint": null}],        # what to do (np.int: 2020-era NumPy)
         "skips": ["dot-render: graphviz's dot is not installed"]}
      ]
    }
"""

from __future__ import annotations

import collections
import dataclasses
import json
import pathlib

from dezero_stages import capabilities as caps
from dezero_stages.fileio import write_atomic
from dezero_stages.naming import label

SCHEMA = 2


@dataclasses.dataclass(frozen=True)
class Status:
    """One status a capability can have, and how every presenter speaks of it."""

    name: str  # the value in the JSON report
    label: str  # its label in the learner's report (PASS, FAIL, ...); "" where not graded
    outcome: str  # its name in the learner's short lists ("not in your code")
    suite_label: str  # its label in the suite's own summary (nox -s stage-N)
    meaning: str  # one line: what it means
    failing: bool = False  # it makes the grade (and the stage session) fail
    graded: bool = True  # shown as a graded outcome (arrives/fixed/not-graded are not)


STATUSES: dict[str, Status] = {s.name: s for s in (
    Status("pass", "PASS", "passed", "present", "every test of it ran and passed"),
    Status("partial", "PART", "passed in part", "partly",
           "the tests that ran passed, but some were skipped (the reasons say why)"),
    Status("fail", "FAIL", "failed", "FAILED", "at least one test failed", failing=True),
    Status("untested", "UNTESTED", "no test ran", "NOT TESTED",
           "it applies to this step, but no test of it ran"),
    Status("arrives", "", "arrives later", "not yet", "it arrives in a later step",
           graded=False),
    Status("fixed", "", "fixed", "fixed",
           "a pin whose limitation an earlier step already fixed", graded=False),
    Status("not-graded", "", "not graded", "not graded",
           "a convention of this project's stages, not checked in other code", graded=False),
    # Only for code graded with --impl, where the book's own step programs are the model:
    Status("missing", "MISSING", "not in your code", "not yours",
           "not in your code: an API that this code does not have (information only)"),
    Status("spelling", "SPELLING", "spelled differently", "spelled",
           "your code has it under another spelling: grade it with --alias OLD=NEW"),
    Status("ahead", "AHEAD", "ahead", "ahead",
           "a pin that does not hold: the code already does what a later step adds"),
    Status("book", "BOOK", "shared with the book", "as the book",
           "shared with the book: a known defect of the book's own code (see why and the fix)"),
)}

# Why a test of --impl code failed (Failure.kind). Only "real" and "timeout" count against
# the code on their own; see status_of for "missing" and "book".
FAILURE_KINDS = {
    "real": "the code does something else than the test expects",
    "timeout": "the test ran longer than the per-test time limit",
    "missing": "the test needed a name that the code does not have",
    "spelling": "the test needed a name that the code spells another way",
    "book": "the book's own code fails this test the same way (a known defect)",
}


def failing_statuses() -> tuple[str, ...]:
    return tuple(name for name, s in STATUSES.items() if s.failing)


@dataclasses.dataclass
class Failure:
    test: str
    message: str
    kind: str = "real"  # one of FAILURE_KINDS
    name: str | None = None  # missing, spelling: the name the test looked for
    spelled: str | None = None  # spelling: the code's own spelling of it
    defect: str | None = None  # book: the name of the known defect
    frame: str | None = None  # the graded code's frame that raised ("file:line in func")
    error: str | None = None  # the exception's type name
    hint: str | None = None  # what to do, where the failure is a known kind (np.int)


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
        """When it applies: "17" (from step 17 on), "final", or "7-16" for a pin."""
        return label(self.step) if self.until is None else f"{self.step}-{self.until}"

    @property
    def failing(self) -> bool:
        return STATUSES[self.status].failing if self.status in STATUSES else False


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
    skipped_lines: list[dict] = dataclasses.field(default_factory=list)
    aliases: dict[str, str] = dataclasses.field(default_factory=dict)
    load_error: dict | None = None

    def capability(self, name: str) -> CapabilityResult | None:
        return next((c for c in self.capabilities if c.name == name), None)

    def counts(self) -> collections.Counter:
        """How many capabilities have each status."""
        return collections.Counter(c.status for c in self.capabilities)

    def failed(self) -> list[CapabilityResult]:
        return [c for c in self.capabilities if c.failing]

    def failures(self) -> list[tuple[str, Failure]]:
        """(capability name, failure) for every failing test of a failing capability."""
        return [(c.name, f) for c in self.failed() for f in c.failures]

    def spellings(self) -> dict[str, str]:
        """{the suite's name: the code's spelling} for every spelling a test ran into."""
        return {f.name: f.spelled for c in self.capabilities for f in c.failures
                if f.kind == "spelling" and f.name and f.spelled}

    def root_cause(self) -> tuple[str, int, Failure] | None:
        """The graded code's frame that raised in most failing tests, where it is behind
        more than one: (frame, how many tests, the first of them). One misspelled attribute
        deep in backward fails a dozen capabilities; this names the line to look at."""
        real = [f for _, f in self.failures() if f.frame and f.kind in ("real", "timeout")]
        if len(real) < 2:
            return None
        frame, count = collections.Counter(f.frame for f in real).most_common(1)[0]
        if count < 2:
            return None
        return frame, count, next(f for f in real if f.frame == frame)


# A pin's test fails this way when the limitation is gone: an assertion, or pytest.raises
# that saw nothing raised ("DID NOT RAISE"). Anything else is a crash, never "ahead".
_NOT_A_CRASH = ("AssertionError", "Failed", "DtypeMismatch")


def _counts_against(failure: Failure, cap: caps.Capability, step: int, strict: bool) -> bool:
    """Whether one failing test of --impl code counts against it (see status_of)."""
    if failure.kind in ("real", "timeout"):
        return True
    if failure.kind == "book":
        return strict
    # A name the graded step itself should have is part of what is graded, unless only the
    # book's released package has it (an extra no step teaches).
    return failure.kind == "missing" and cap.step == step and not getattr(cap, "extra", False)


def status_of(cap: caps.Capability, step: int, counts: dict, stage_code: bool = True,
              failures: tuple[Failure, ...] = (), strict: bool = False) -> str:
    """The one rule that turns a capability's test outcomes at a step into its status.

    A capability that applies is never skipped for its step, so any skip counted here had
    another reason (no `dot`, no IPython): its tests ran only in part.

    For code graded with --impl (stage_code False), each failure's kind says why it failed.
    Real failures and timeouts fail; a missing name of the graded step itself fails too
    (that step is what is graded), except where every test of the capability needed a name
    the code lacks: then the capability is not in the code at all, which is information.
    A book defect fails under `strict`. A pin whose tests fail by assertion is a limitation
    the code no longer has ("ahead"); a pin test that crashed is a failure, never ahead.
    """
    if cap.stage_only and not stage_code:
        return "not-graded"
    timing = cap.timing(step)
    if timing is not None:
        return timing
    if counts.get("failed"):
        if stage_code:
            return "fail"
        only_missing = not counts.get("passed") and all(f.kind == "missing" for f in failures)
        against = [f for f in failures if _counts_against(f, cap, step, strict)]
        if against and not only_missing:
            if cap.kind == "pin" and all(f.error in _NOT_A_CRASH for f in against):
                return "ahead"
            return "fail"
        kinds = {f.kind for f in failures}
        for kind, status in (("spelling", "spelling"), ("book", "book")):
            if kind in kinds:
                return status
        return "missing"
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
        found = tuple(failures.get(cap.name, []))
        results.append(CapabilityResult(
            name=cap.name, step=cap.step, until=cap.until, kind=cap.kind, summary=cap.summary,
            status=status_of(cap, step, counted, stage_code, found, strict),
            passed=counted.get("passed", 0), failed=counted.get("failed", 0),
            skipped=counted.get("skipped", 0), failures=list(found),
            skips=sorted(set(skips.get(cap.name, []))),
        ))
    return results


def to_dict(report: Report) -> dict:
    return dataclasses.asdict(report)


_OPTIONAL = ("strict", "vehicles", "defects", "skipped_lines", "aliases", "load_error")


def from_dict(data: dict) -> Report:
    """A report from its JSON form; raises ValueError naming what is wrong."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"not a dezero-stages report of schema {SCHEMA}")
    try:
        results = [CapabilityResult(**{**c, "failures": [Failure(**f) for f in c["failures"]]})
                   for c in data["capabilities"]]
        fields = {k: data[k] for k in ("step", "stage", "impl", "dezero_file", "exitstatus")}
        fields.update({k: data[k] for k in _OPTIONAL if k in data})
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
