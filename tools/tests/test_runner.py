"""The batch runner: several steps in one worker process, each with its own report."""

from dezero_stages import batch
from dezero_stages.naming import FINAL
from tools import runner


def test_plan_shares_steps_so_workers_finish_together():
    shares = batch.plan([1, 2, 3, 4, 30, 31, 32, 33], 2)
    assert sorted(s for share in shares for s in share) == [1, 2, 3, 4, 30, 31, 32, 33]
    loads = [sum(1 + s for s in share) for share in shares]
    assert max(loads) - min(loads) <= 4  # the later, costlier steps are split between them
    assert batch.plan([5], 4) == [[5]]  # never an idle worker with nothing to do


def test_a_batch_runs_each_step_against_its_own_stage(tmp_path):
    seen = []
    runs = runner.run_batch([1, 2, 4], tmp_path, jobs=2, on_finish=seen.append)
    assert [run.step for run in runs] == [1, 2, 4]
    assert sorted(run.step for run in seen) == [1, 2, 4]
    for run in runs:
        assert run.ok, run.output
        assert run.report.stage == run.step
        # Each step imported its own stage: the report names that stage's dezero.
        assert f"step{run.step:02d}" in run.report.dezero_file
        assert run.capability("numerical-diff").status == ("pass" if run.step >= 4
                                                           else "arrives")


def test_a_batch_worker_reports_the_final_stage(tmp_path):
    # final travels between worker and runner as its number; its report is final.json.
    runs = runner.run_batch([FINAL], tmp_path, jobs=1)
    assert [run.step for run in runs] == [FINAL]
    assert runs[0].report is not None, runs[0].output
    assert runs[0].report.stage == FINAL
    assert "stages/final/dezero" in runs[0].report.dezero_file
    assert (tmp_path / "final.json").is_file()
