"""The OGBench section: published methods beside ours, the verdict against the best of them, sweeps, rankings."""

import json

from actjepa.benchmarks.ogbench.results import controller_row, results_record
from actjepa.benchmarks.reporting.ogbench import ogbench_answer, ogbench_section

DATASET = "pointmaze-medium-navigate-v0"


def _run(successes: list[bool], wall_s: float = 120.0) -> dict:
    """A run_official record of 5 tasks x 2 episodes."""
    return {"success": successes, "tasks": [k for k in range(1, 6) for _ in range(2)], "wall_s": wall_s,
            "ms_per_action": 12.5}  # fmt: skip


def _record() -> dict:
    rows = [
        controller_row("mppi+prior", {0: _run([True] * 9 + [False]), 1: _run([True] * 10)}),  # 90% and 100%
        controller_row("bc:policy", {0: _run([True, False] * 5), 1: _run([False] * 10)}),  # 50% and 0%
    ]
    protocol = {"tasks": 5, "episodes_per_task": 2, "seeds": [0, 1], "split": "test", "replan_every": 4,
                "budget": {"num_samples": 64, "horizon": 16, "iterations": 2}}  # fmt: skip
    training = {"training": {"models": {"jepa-seed0": {"steps": 3000, "wall_s": 600.0}}}}
    return results_record(DATASET, protocol, rows, training)


def test_the_dataset_table_sets_ours_beside_the_published_methods(tmp_path):
    (tmp_path / f"{DATASET}.json").write_text(json.dumps(_record()))
    text = "\n".join(ogbench_section(tmp_path))
    assert "| QRL (published) | 82 |" in text and "| HIQL (published) | 79 |" in text
    assert "**95.0 ± 5.0**" in text  # mean and std over the two seeds' overall success
    assert "best published: QRL 82%; ours: `mppi+prior` 95.0%: **at or above** it" in text
    assert "our BC 25.0% against the published GCBC 9%: 16.0 points apart" in text
    assert "seed 0: 2.0 min" in text and "jepa-seed0 3000 steps in 10.0 min" in text
    assert "where OGBench uses 8" in text and "regenerated" in text  # the departures are stated


def test_sweeps_and_rankings_get_tables_of_their_own(tmp_path):
    (tmp_path / f"{DATASET}.json").write_text(json.dumps(_record()))
    point = {"num_samples": 32, "horizon": 16, "iterations": 2, "success": 80.0, "success_ci95": [70.0, 88.0],
             "ms_per_action": 100.0, "wall_s": 300.0, "episodes": 100}  # fmt: skip
    sweep = {"dataset": DATASET, "controller": "mppi+prior", "swept": "num_samples", "training_seed": 0,
             "split": "validation", "episodes_per_task": 20, "points": [point]}  # fmt: skip
    (tmp_path / f"{DATASET}-budget.json").write_text(json.dumps(sweep))
    cost = {"spearman": 0.5, "spearman_far": 0.1, "finite_fraction": 1.0}
    ranking = {"dataset": DATASET, "seed": 0, "held_out_episodes": 9, "pairs": 100, "far_pairs": 40,
               "far_steps": 200.0, "latent_l2": cost, "value": {**cost, "spearman_far": 0.6}}  # fmt: skip
    (tmp_path / f"{DATASET}-ranking.json").write_text(json.dumps(ranking))
    text = "\n".join(ogbench_section(tmp_path, figure_prefix="ogbench/"))
    assert "| 32 | 80.0 [70–88] | 100.0 | 5.0 |" in text
    assert f"(ogbench/{DATASET}-budget.png)" in text
    assert "| latent_l2 | 0.50 | 0.10 | 1.00 |" in text and "| value | 0.50 | 0.60 | 1.00 |" in text


def test_no_results_no_section_and_the_headline_names_our_best_against_theirs(tmp_path):
    assert ogbench_section(tmp_path) == []
    assert (
        ogbench_answer(_record())
        == "`mppi+prior` 95.0% against the best published, QRL 82% (2 training seeds, OGBench uses 8)"
    )


def test_the_readme_summary_has_one_row_per_dataset_and_leaves_sweeps_to_the_results_page(tmp_path):
    from actjepa.benchmarks.reporting.ogbench import ogbench_summary

    (tmp_path / f"{DATASET}.json").write_text(json.dumps(_record()))
    (tmp_path / f"{DATASET}-horizon.json").write_text(json.dumps({"dataset": DATASET, "swept": "horizon"}))
    lines = ogbench_summary(tmp_path, "docs/results.md#ogbench")
    assert lines[2] == f"| {DATASET} | `mppi+prior` 95.0 ± 5.0 | 25.0 | 9 | QRL 82 | 2 |"
    assert len(lines) == 5 and lines[-1].endswith("[the results page](docs/results.md#ogbench).")
    assert ogbench_summary(tmp_path / "none", "x") == []


def test_a_table_whose_model_learned_composed_goals_says_so(tmp_path):
    record = _record()
    (tmp_path / f"{DATASET}.json").write_text(json.dumps(record))
    assert "composed" not in "\n".join(ogbench_section(tmp_path))
    record["protocol"]["partial_goal_prob"] = 0.5
    (tmp_path / f"{DATASET}.json").write_text(json.dumps(record))
    assert "trained with a share of 0.5 of its goals composed" in "\n".join(ogbench_section(tmp_path))
