"""Report sections read their settings and marks from the JSON, never from literals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actjepa.benchmarks.reporting import sections
from actjepa.benchmarks.reporting.quality import calibration_section, training_steps_section
from actjepa.benchmarks.reporting.sections import efficiency_section, horizon_section, targets_markdown


def _point(h: int) -> dict:
    return {"horizon": h, "success_rate": 0.5, "success_ci95": [0.1, 0.9], "median_ms_per_action": 1.0}


def test_horizon_section_states_the_replanning_of_the_run():
    result = {
        "episodes": 5,
        "planners": {"mppi": [_point(1), _point(2)]},
        "references": {},
        "base_settings": {"num_samples": 64, "horizon": 8, "iterations": 2, "replan_every": 2},
    }
    text = "\n".join(horizon_section(result))
    assert "replanning every min(2, H) steps" in text and "min(4, H)" not in text
    assert "Targets decided" not in text  # no task, no mppi+prior: nothing to decide


def test_horizon_section_marks_the_reacher_horizon_targets_from_the_sweep():
    points = [dict(_point(h), success_rate=r) for h, r in ((8, 1.0), (16, 0.6), (32, 0.96))]
    result = {"task": "reacher", "episodes": 5, "planners": {"mppi+prior": points}, "references": {}}
    text = "\n".join(horizon_section(result))
    assert "- `mppi+prior` succeeds in at least 95% at H=32 (96.0%): **met**" in text
    assert "from H=8 to H=32 within the intervals (falls at H=16): **missed**" in text


def test_training_steps_section_marks_whether_longer_training_plans_worse():
    def point(steps: int, rate: float) -> dict:
        return {"steps": steps, "controllers": {"mppi+prior": {"success_rate": rate, "success_ci95": [0.0, 1.0]}}}

    result = {"task": "reacher", "episodes": 5, "preset": "default", "points": [point(800, 0.9), point(3000, 0.8)]}
    text = "\n".join(training_steps_section(result))
    assert "(`mppi+prior` 80.0% against 90.0%): **missed**" in text


def test_efficiency_section_marks_only_the_target_counts():
    def curve(rates):
        return [{"demonstrations": n, "success_rate": r, "success_ci95": [0.0, 1.0]} for n, r in rates]

    result = {
        "task": "reacher",
        "seeds": [0, 1],
        "episodes_per_seed": 4,
        "curves": {
            "act-jepa policy": curve([(10, 0.5), (25, 0.6), (50, 0.7)]),
            "bc policy": curve([(10, 0.1), (25, 0.58), (50, 0.6)]),
        },
    }
    lines = [line for line in efficiency_section(result) if line.startswith("- ")]
    assert lines == [
        "- 10 demonstrations: ACT-JEPA policy 50.0% against BC 10.0% (+40.0 points)",
        "- 25 demonstrations: ACT-JEPA policy 60.0% against BC 58.0% (+2.0 points; target +5: **missed**)",
        "- 50 demonstrations: ACT-JEPA policy 70.0% against BC 60.0% (+10.0 points; target +5: **met**)",
    ]
    intro = efficiency_section(result)[2]
    assert intro.endswith("each seed trains both models on the same random subset.")
    assert "4 held-out episodes per seed (test split)" in intro
    validation = efficiency_section({**result, "split": "validation"})
    assert "(validation split)" in validation[2] and not any("target" in line for line in validation)
    preset = efficiency_section({**result, "train_preset": "default", "train_steps": None})[2]
    assert preset.endswith("same random subset, with the 'default' training preset.")
    steps = efficiency_section({**result, "train_preset": "demo", "train_steps": 300})[2]
    assert steps.endswith("same random subset, 300 optimizer steps (the 'demo' preset's other settings).")


def test_targets_markdown_lists_marks():
    results = {"task": "push", "controllers": {"mppi+prior": {"success_rate": 0.5}}}
    assert targets_markdown(results) == [
        "Targets decided by this table:",
        "",
        "- push: at least 80% success (50.0%): **missed**",
        "",
    ]


def _empty_results(task: str) -> dict:
    """A results.json without controllers: what the section's heading and data line are drawn from."""
    return {
        "task": task,
        "episodes": 50,
        "settings": {"num_samples": 512, "horizon": 16, "iterations": 6, "replan_every": 4, "batch_size": 50},
        "evaluation_seeds": {"first": 10, "last": 59, "split": "test"},
        "controllers": {},
    }


def test_a_controller_table_says_which_data_its_models_were_trained_on():
    results = _empty_results("maze")
    protocol = {
        "protocol": {
            "task": "maze",
            "demonstrations": 25,
            "noise": 0.3,
            "collect_seed": 4,
            "train": {"preset": "demo", "steps": 1600},
        }
    }
    text = "\n".join(sections.controllers_section(results, protocol=protocol))
    assert (
        "Models trained on 25 expert demonstrations of maze (action noise 0.3, data seed 4) with the 'demo' "
        "training preset, 1600 steps. 50 held-out episodes (test split, seeds 10–59)" in text
    )
    assert "Models trained on" not in "\n".join(sections.controllers_section(results))


def test_a_pixel_controller_table_says_so_in_its_heading_and_data():
    results = _empty_results("reacher")
    train = {"preset": "demo", "batch_size": 128}
    p = {"task": "reacher", "demonstrations": 200, "noise": 0.1, "collect_seed": 0, "train": train}
    pixels = {**results, "obs_mode": "pixels"}
    text = "\n".join(sections.controllers_section(pixels, protocol={"protocol": {**p, "obs_mode": "pixels"}}))
    assert text.startswith("### Controllers on reacher from 64x64 pixels ('demo' preset, 1 training seed)\n")
    assert "200 expert demonstrations of reacher as 64x64 frames (goals are images) (action noise 0.1" in text
    assert "the 'demo' training preset, batch 128. " in text
    state = "\n".join(
        sections.controllers_section(
            {**results, "obs_mode": "state"}, protocol={"protocol": {**p, "obs_mode": "state"}}
        )
    )
    assert state.startswith("### Controllers on reacher ('demo' preset, 1 training seed)\n") and "frames" not in state
    three = sections.controllers_section({**results, "training_seeds": [0, 1, 2]}, protocol={"protocol": p})
    assert three[0] == "### Controllers on reacher ('demo' preset, 3 training seeds)"
    assert sections.controllers_section(results)[0] == "### Controllers on reacher"


@pytest.mark.parametrize("ms_per_action, mark", [(8.3, "met"), (9.75, "met"), (9.8, "missed")])
def test_planner_speed_section_decides_the_per_action_target(ms_per_action, mark):
    bench = json.loads((Path(__file__).resolve().parents[3] / "docs/results/bench_planner.json").read_text())
    bench["targets"]["ms_per_action_b1"] = ms_per_action
    text = "\n".join(sections.bench_planner_section(bench))
    assert f"{ms_per_action:.2f} ms per action (target ≤ 20 ms per plan: " in text
    assert f"target ≤ 9.75 ms per action: {mark})" in text


def test_training_data_names_the_image_shift_only_when_one_was_used():
    protocol = {
        "protocol": {
            "demonstrations": 200,
            "task": "reacher",
            "noise": 0.1,
            "collect_seed": 0,
            "obs_mode": "pixels",
            "train": {"preset": "demo", "steps": None, "batch_size": 128, "image_shift": 4},
        }
    }
    text = sections.training_data(protocol)
    assert "as 64x64 frames" in text and "batch 128, frames shifted at random by up to 4 pixels." in text
    protocol["protocol"]["train"]["image_shift"] = None
    assert "shifted" not in sections.training_data(protocol)
    protocol["protocol"]["train"]["obs_noise"] = 0.05
    assert "Gaussian noise of std 0.05 on the normalised context states." in sections.training_data(protocol)


def test_regularizer_section_sets_the_default_against_the_best_row_of_each_controller():
    from actjepa.benchmarks.experiments.regularizer_sweep import default_variant
    from actjepa.benchmarks.reporting.quality import regularizer_section

    def row(name: str, policy: float, mppi: float, mppi_hi: float) -> dict:
        entry = {"success_rate": policy, "success_ci95": [policy - 0.1, min(policy + 0.1, 1.0)]}
        return {
            "name": name,
            "emb_std": 0.7,
            "eff_rank": 20.0,
            "final_losses": {"regularizer": 0.1},
            "calibration": {"latent_l2_spearman": 0.9, "latent_l2_steps_spearman": 0.9},
            "open_loop": {"16": 0.1},
            "controllers": {"policy": entry, "mppi": {"success_rate": mppi, "success_ci95": [mppi - 0.1, mppi_hi]}},
        }

    default = default_variant().name
    sweep = {"task": "maze", "seed": 0, "train_steps": 800, "episodes": 50, "split": "validation"}
    sweep["rows"] = [row("none", 1.0, 0.9, 0.95), row(default, 1.0, 0.6, 0.7)]
    text = "\n".join(regularizer_section(sweep))
    assert f"Today's default ({default}) against the best row" in text
    assert "- `policy`: default 100.0%, best none 100.0% (0.0 points higher, inside" in text
    assert "- `mppi`: default 60.0%, best none 90.0% (30.0 points higher, above the default's 95% interval)" in text
    sweep["rows"] = sweep["rows"][:1]
    assert "Today's default" not in "\n".join(regularizer_section(sweep))  # not swept: nothing to set against


def test_a_results_subfolder_of_gpu_benchmarks_gets_its_own_headed_sections(tmp_path):
    """The GPU runs sit in their own folder; their sections must say GPU and show the large budget."""
    from actjepa.benchmarks.reporting.report import results_markdown

    docs = Path(__file__).resolve().parents[3] / "docs/results"
    planner = json.loads((docs / "bench_planner.json").read_text())
    planner["settings"]["device"], planner["device_name"] = "cuda", "Some GPU"
    planner["large_budget"] = {"budget": [4096, 32, 6], "eager": {"ms_per_plan": 40.0, "ms_per_action": 10.0}}
    train = {**json.loads((docs / "bench_train.json").read_text()), "device": "cuda", "device_name": "Some GPU"}
    (tmp_path / "gpu").mkdir()
    (tmp_path / "gpu" / "bench_planner.json").write_text(json.dumps(planner))
    (tmp_path / "gpu" / "bench_train.json").write_text(json.dumps(train))
    text = results_markdown(tmp_path)
    assert "### Planner speed on a GPU (`actjepa bench planner --device cuda`)\n" in text
    assert "on Some GPU with" in text and "Large budget (4096, 32, 6), B=1: 10.00 ms per action eager." in text
    assert "### Training speed on a GPU (`actjepa bench train --device cuda`)\n\nSome GPU, " in text
    assert "### Planner speed (`actjepa bench planner`)" not in text  # nothing at the top level


def test_the_budget_section_names_its_task_and_the_settings_it_kept():
    point = {"num_samples": 16, "success_rate": 0.7, "success_ci95": [0.5, 0.8], "median_ms_per_action": 15.0}
    budget = {
        "task": "reacher",
        "episodes": 50,
        "swept": "num_samples",
        "base_settings": {"num_samples": 512, "horizon": 16, "iterations": 6, "replan_every": 4},
        "planners": {"mppi": [point]},
        "references": {},
    }
    text = "\n".join(sections.budget_section(budget, "budget/"))
    assert text.startswith(
        "### Success against sample budget on reacher\n\n![success against samples](budget/budget.png)"
    )
    assert "50 held-out episodes per point" in text and "H=16, 6 iterations, replanning every 4 steps" in text
    assert "| 16 | 70.0% [50–80] (15.0) |" in text


def test_a_calibration_heading_names_the_task_of_its_folder(tmp_path):
    """The goal calibration is written at training time without a task; the folder's protocol.json has it."""
    from actjepa.benchmarks.reporting.report import results_markdown

    calibration = {"points": 10, "latent_l2_spearman": 0.9}
    for name, task in (("maze", "maze"), ("push", "push")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "jepa_calibration.json").write_text(json.dumps(calibration))
        (tmp_path / name / "protocol.json").write_text(json.dumps({"protocol": {"task": task}}))
    text = results_markdown(tmp_path)
    assert "### Does the latent space measure progress on maze? (goal calibration" in text
    assert "### Does the latent space measure progress on push? (goal calibration" in text
    assert calibration_section(calibration)[0].startswith("### Does the latent space measure progress? (")
