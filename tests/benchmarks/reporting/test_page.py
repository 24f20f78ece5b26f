"""The results page: sections grouped by question with their source lines, the headline table that links to
them, the rows of controllers that read no model, and the slot of results not yet run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from actjepa.benchmarks.reporting import page, report
from actjepa.benchmarks.reporting.headline import headline_markdown
from actjepa.benchmarks.reporting.sections import controllers_section

DOCS = Path(__file__).resolve().parents[3] / "docs" / "results"


def _entry(rate: float) -> dict:
    return {
        "success_rate": rate,
        "success_ci95": [0.0, 1.0],
        "mean_final_distance": 0.1,
        "mean_steps_to_success": None,
        "median_ms_per_action": 1.0,
        "episodes": 10,
    }


def _results(task: str, controllers: dict, **extra) -> dict:
    settings = {"num_samples": 8, "horizon": 2, "iterations": 1, "replan_every": 1, "batch_size": 10, "seed": 0}
    seeds = {"split": "test", "first": 2**31, "last": 2**31 + 9, "count": 10}
    record = {"task": task, "episodes": 10, "settings": settings, "evaluation_seeds": seeds}
    return {**record, "controllers": controllers, **extra}


def test_a_table_says_what_no_model_scores_and_warns_where_doing_nothing_succeeds():
    solved = _results("reacher", {"policy": _entry(0.9), "zero": _entry(0.0), "random": _entry(0.1)})
    text = "\n".join(controllers_section({**solved, "solved_at_start_rate": 0.0}))
    assert "Without a model: `zero` 0.0%, `random` 10.0%. Episodes already solved at the first step: 0.0%." in text
    assert "Reacher is not solved by doing nothing on these episodes." in text
    easy = _results("reacher", {"policy": _entry(0.9), "zero": _entry(0.3)}, solved_at_start_rate=0.2)
    assert "**On these episodes reacher is partly solved without acting" in "\n".join(controllers_section(easy))


def test_an_older_table_gets_its_baselines_rows_and_their_source(tmp_path):
    folder = tmp_path / "results"
    (folder / "maze").mkdir(parents=True)
    (folder / "maze" / "results.json").write_text(json.dumps(_results("maze", {"policy": _entry(1.0)})))
    baselines = _results("maze", {"zero": _entry(0.0), "random": _entry(0.02), "policy": _entry(0.5)})
    (folder / "maze" / "baselines.json").write_text(json.dumps({**baselines, "solved_at_start_rate": 0.0}))
    text = report.results_markdown(folder, "results/")
    assert "| `policy` | 100.0% |" in text and "| `policy` | 50.0% |" not in text  # the table's own row stays
    assert "| `zero` | 0.0% |" in text and "| `random` | 2.0% |" in text
    assert "`zero` and `random` were evaluated later on the same episodes. Source: [`baselines.json`]" in text
    assert text.startswith("## Controllers: planning against the policy\n\n### Controllers on maze")
    assert "Source: [`results.json`](results/maze/results.json); machine not recorded" in text


def test_sections_are_grouped_by_question_in_page_order(tmp_path):
    folder = tmp_path / "results"
    shutil.copytree(DOCS / "budget", folder / "budget")
    shutil.copy(DOCS / "bench_train.json", folder / "bench_train.json")
    (folder / "push").mkdir()
    (folder / "push" / "results.json").write_text(json.dumps(_results("push", {"policy": _entry(0.5)})))
    headings = [line for line in report.results_markdown(folder).splitlines() if line.startswith("#")]
    assert headings == [
        "## Controllers: planning against the policy",
        "### Controllers on push",
        "## Planning budget: horizon, samples and training length",
        "### Success against sample budget on reacher",
        "## Speed",
        "### Training speed (`actjepa bench train`)",
    ]


def test_the_headline_links_each_row_to_its_section_and_says_what_has_not_run(tmp_path):
    folder = tmp_path / "results"
    (folder / "push").mkdir(parents=True)
    push = _results("push", {"mppi+prior": _entry(0.9), "policy": _entry(0.8), "zero": _entry(0.0)})
    (folder / "push" / "results.json").write_text(json.dumps({**push, "training_seeds": [0, 1, 2]}))
    sections = page.plan(folder, "results/", pending=True)
    table = headline_markdown(folder, "results.md", report.anchors(sections))
    row = next(line for line in table.splitlines() if line.startswith("| push | planning"))
    assert "`mppi+prior` 90.0%, `policy` 80.0%, `zero` 0.0% (10 test episodes per seed, 3 training seeds)" in row
    assert row.endswith("[push](results.md#controllers-on-push) |")
    ogbench = next(line for line in table.splitlines() if line.startswith("| OGBench"))
    assert ogbench.endswith("| not run yet | [ogbench](results.md#ogbench-official-protocol) |")
    assert "## OGBench (official protocol)\n\nNot run yet." in report.results_markdown(folder, pending=True)
    assert "OGBench" not in report.results_markdown(folder)  # a protocol run's own page has no slots


def test_github_anchors_number_repeated_headings():
    sections = [page.Section("quality", ["### Same?", ""], Path(f"{k}.json"), {}) for k in "ab"]
    assert report.github_anchor("Controllers on reacher ('demo' preset, 1 training seed)") == (
        "controllers-on-reacher-demo-preset-1-training-seed"
    )
    assert report.anchors(sections) == {
        Path("quality"): "model-quality-open-loop-prediction-and-goal-calibration",  # the group's heading
        Path("a.json"): "same",
        Path("b.json"): "same-1",
    }


def test_the_training_speed_answer_gives_the_state_and_the_pixel_model():
    from actjepa.benchmarks.reporting.headline import PIXEL_BENCH_ROW, training_speed_answer

    row = {"minutes_for_default_steps": 10.44, "default_steps": 3000}
    bench = {"device": "cpu", "device_name": "AMD EPYC", "models": {"act-jepa": row}}
    assert training_speed_answer(bench, DOCS) == "10.4 min for the default 3000 steps of the state model, on AMD EPYC"
    bench["models"][PIXEL_BENCH_ROW] = {"minutes_for_default_steps": 13.26}
    assert training_speed_answer(bench, DOCS) == (
        "10.4 min for the default 3000 steps of the state model, 13.3 min of the 64x64-pixel model, on AMD EPYC"
    )


def test_the_planner_section_sets_the_pixel_plan_beside_the_state_plan():
    from actjepa.benchmarks.reporting.sections import _pixel_plan_lines

    pixels = {
        "results": [{"mode": "eager", "plan_ms": {"median": 69.0}}, {"mode": "compiled", "plan_ms": {"median": 48.3}}],
        "ratio_to_state_plan": {"eager": 0.93, "compiled": 0.925},
        "target_ratio": 1.2,
        "met": True,
    }
    (line, _) = _pixel_plan_lines(pixels)
    assert "eager 69.0 ms (0.93x the state plan), compiled 48.3 ms (0.93x the state plan)" in line
    assert line.endswith("(target ≤ 1.2x: met).") and _pixel_plan_lines(None) == []
