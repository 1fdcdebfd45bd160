"""The matrix grid, its Markdown and HTML forms, and the learner's grade, from hand-made
reports in the JSON shape of dezero_stages/report.py, read back with report.from_dict."""

import json

import pytest

from dezero_stages import registry, render_text
from dezero_stages import report as report_format
from tools import cli, common, diff, matrix, runner
from tools.tests.conftest import fake_steps


def cap(name, step, status, until=None, failures=(), skips=()):
    return {"name": name, "step": step, "until": until,
            "kind": "pin" if until is not None else "feature", "summary": f"summary of {name}",
            "status": status, "passed": int(status in ("pass", "partial")),
            "failed": len(failures), "skipped": len(skips),
            "failures": [dict(f) for f in failures], "skips": list(skips)}


def report(step, stage, *caps, exitstatus=0):
    impl = f"/repo/stages/step{stage:02d}" if stage is not None else "/home/me/mine"
    return report_format.from_dict({
        "schema": report_format.SCHEMA, "step": step, "stage": stage, "impl": impl,
        "dezero_file": f"{impl}/dezero/__init__.py",
        "exitstatus": exitstatus, "capabilities": list(caps)})


FAILURE = {"test": "shared_tests/test_memory.py::test_weak",
           "message": "AssertionError: boom\nmore"}


def sample_runs():
    """Steps 16, 17 (a failure) and 18 (pytest crashed: no report)."""
    return [
        runner.StageRun(16, report(16, 16, cap("generation-order", 16, "pass"),
                                cap("cycle-survives", 7, "pass", until=16),
                                cap("weakref-outputs", 17, "arrives")), seconds=1.5),
        runner.StageRun(17, report(17, 17, cap("generation-order", 17 - 1, "pass"),
                                cap("cycle-survives", 7, "fixed", until=16),
                                cap("weakref-outputs", 17, "fail", failures=[FAILURE])),
                     returncode=1, seconds=2.0),
        runner.StageRun(18, None, returncode=4, seconds=0.5, output="ERROR: usage\n"),
    ]


def test_grid_places_one_symbol_per_capability_and_step():
    text = matrix.render_grid(sample_runs())
    lines = text.splitlines()
    assert lines[0].split() == ["capability", "steps", "16", "17", "18"]
    assert lines[1].split() == ["generation-order", "16", "✓", "✓", "!"]
    assert lines[2].split() == ["cycle-survives", "7-16", "✓", "—", "!"]
    assert lines[3].split() == ["weakref-outputs", "17", "·", "✗", "!"]
    # every symbol column lines up under its step number
    assert {len(line) for line in lines[:4]} == {len(lines[0])}
    assert f"✗ {report_format.STATUSES['fail'].meaning}" in text
    assert f"· {report_format.STATUSES['arrives'].meaning}" in text
    assert "step 17     2.0 s  1 pass, 1 fail, 1 fixed" in lines
    assert "step 18     0.5 s  no report" in lines


def test_grid_can_fall_back_to_ascii_and_colour():
    runs = sample_runs()
    plain = matrix.render_grid(runs, matrix.ASCII_SYMBOLS)
    assert "✓" not in plain
    assert plain.splitlines()[3].split()[2:] == [".", "x", "!"]
    coloured = matrix.render_grid(runs, paint=common.Painter(True))
    assert "\x1b[31m✗\x1b[0m" in coloured


def test_symbols_for_a_stream_that_cannot_encode_them():
    class Latin1:
        encoding = "latin-1"

    assert matrix.symbols_for(Latin1()) is matrix.ASCII_SYMBOLS


def test_no_code_steps_are_labelled_with_their_stage():
    run = runner.StageRun(15, report(15, 14, cap("cleargrad", 14, "pass")))
    assert "step 15 (stage 14)" in matrix.render_grid([run])
    assert "Steps 15 have no code: they run stages 14." in matrix.render_markdown([run])


def test_markdown_table():
    lines = matrix.render_markdown(sample_runs()).splitlines()
    assert lines[0] == "| capability | steps | 16 | 17 | 18 |"
    assert lines[1] == "|---|---|:-:|:-:|:-:|"
    assert lines[4] == "| `weakref-outputs` | 17 | · | ✗ | ! |"
    assert lines[5] == "| **pass** |  | 2 | 1 | ! |"
    assert lines[6] == "| **fail** |  | 0 | 1 | ! |"
    words = report_format.STATUSES
    assert any(line.startswith(f"Legend: ✓ {words['pass'].meaning}, ✗ {words['fail'].meaning}")
               for line in lines)


def test_html_table_marks_cells_and_escapes_messages():
    runs = sample_runs()
    runs[1].report.capabilities[2].failures[0].message = "assert a < b"
    page = matrix.render_html(runs, wall_seconds=3.25)
    assert page.count('<td class="fail"') == 1
    assert page.count('<td class="no-report"') == 3
    assert "assert a &lt; b" in page
    assert "Wall time 3.2 s" in page


def test_stage_run_health():
    passed, failed, crashed = sample_runs()
    assert passed.ok and not passed.broken
    assert not failed.ok and not failed.broken  # failing capabilities explain exit status 1
    assert crashed.broken
    odd = runner.StageRun(19, report(19, 19, cap("x", 1, "pass")), returncode=2)
    assert odd.broken  # exit status 2 with nothing failing: pytest itself had trouble


def test_matrix_writes_reports_and_fails_on_a_failing_stage(repo, monkeypatch, capsys, tmp_path):
    runs = {run.step: run for run in sample_runs()}
    runs = {1: runs[16], 2: runs[17], 3: runs[18]}
    seen = []

    def fake_run_stage(step, workdir, timeout):
        seen.append(step)
        return runs[step]

    fake_steps(monkeypatch, fake_run_stage)
    md, js = tmp_path / "m.md", tmp_path / "m.json"
    status = cli.main(["matrix", "--stages", "1-3", "-j", "2", "--markdown", str(md),
                       "--json", str(js)])
    assert status == 1
    assert sorted(seen) == [1, 2, 3]
    out = capsys.readouterr()
    assert "FAIL weakref-outputs: shared_tests/test_memory.py::test_weak" in out.out
    assert "       AssertionError: boom\n       more" in out.out
    assert "ERROR: usage" in out.out  # the crashed stage's pytest output
    assert "matrix failed: step 17, step 18" in out.err
    assert md.read_text(encoding="utf-8").startswith("| capability |")
    assert [s["step"] for s in json.loads(js.read_text())["stages"]] == [16, 17, 18]


def test_matrix_passes_when_every_stage_passes(repo, monkeypatch, capsys):
    good = sample_runs()[0]
    fake_steps(monkeypatch, lambda step, workdir, timeout: good)
    assert cli.main(["matrix", "--stages", "2"]) == 0
    assert "1 step in" in capsys.readouterr().out


@pytest.mark.parametrize("spec, steps", [("1-3,6", [1, 2, 3, 6]), ("5, 2", [2, 5]), ("4", [4])])
def test_parse_steps(repo, spec, steps):
    assert matrix.parse_steps(spec) == steps


def test_parse_steps_rejects_bad_specs(repo):
    with pytest.raises(registry.UnknownStageError, match="unknown stage 7-8: valid stages are 1-6"):
        matrix.parse_steps("6-8")
    with pytest.raises(common.CommandError, match="runs backwards"):
        matrix.parse_steps("3-1")
    with pytest.raises(common.CommandError, match="expected numbers"):
        matrix.parse_steps("one")


def test_grade_report_lists_results_failures_and_what_arrives_later():
    step = registry.Step(17, "Memory management", "메모리 관리", 2, True, "weakref")
    data = report(17, None, cap("generation-order", 16, "pass"),
                  cap("cycle-survives", 7, "fixed", until=16),
                  cap("weakref-outputs", 17, "fail", failures=[FAILURE]),
                  cap("retain-grad", 18, "arrives"), cap("no-grad", 18, "arrives"),
                  cap("variable-repr", 19, "arrives"), exitstatus=1)
    text, status = render_text.render_report(data, step)
    assert status == 1
    lines = text.splitlines()
    assert lines[0] == "graded as step 17 — Memory management"
    assert lines[1] == "your code: /home/me/mine/dezero/__init__.py"
    # Step 17's own capabilities one per line, with the failing test and its message ...
    assert lines[3:7] == ["step 17 adds:",
                          "  FAIL      weakref-outputs  summary of weakref-outputs",
                          "            shared_tests/test_memory.py::test_weak",
                          "              AssertionError: boom"]
    # ... the earlier steps' by outcome, and what is not graded, in short lists.
    assert "  passed (1): generation-order" in lines
    assert "  arrive in step 18: retain-grad, no-grad; 1 more up to step 19" in lines
    assert "  limitations fixed by step 17: cycle-survives" in lines
    assert lines[-1] == "step 17 FAILS: 1 passed, 1 failed"


def test_grade_report_of_a_passing_implementation_exits_zero():
    step = registry.Step(16, "Complex graphs", "복잡한 계산 그래프", 2, True, "generations")
    data = report(16, None, cap("generation-order", 16, "pass"))
    text, status = render_text.render_report(data, step)
    assert status == 0
    assert "  PASS      generation-order  summary of generation-order" in text.splitlines()
    assert text.splitlines()[-1] == "step 16 passes: 1 passed, 0 failed"


def test_stat_bars_are_scaled_but_never_hidden():
    big = diff.FileDiff("a.py", [], ["x"] * 200, ["--- a", "+++ b", "@@"] + ["+x"] * 200)
    small = diff.FileDiff("b.py", ["y"], [], ["--- a", "+++ b", "@@", "-y"])
    lines = diff.render_stat([big, small], common.Painter(False)).splitlines()
    assert lines[0] == " a.py | 200 " + "+" * 50
    assert lines[1] == " b.py |   1 -"
    assert lines[2] == " 2 files changed, 200 insertions(+), 1 deletion(-)"
