"""End to end with the learned value: eval --cost value, the trust region, the oracle scored in latent space,
the validation split, the training diagnostics, and the ablation rows."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from actjepa import envs
from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.controllers import encoded_oracle
from actjepa.benchmarks.experiments.ablation import ROWS, row_model_key
from actjepa.benchmarks.reporting.quality import ablation_section, calibration_section
from actjepa.envs.seeds import evaluation_seeds
from actjepa.planner import PlannerConfig
from actjepa.world_model import load_model
from tests.benchmarks.test_end_to_end import run_cli, trained  # noqa: F401 - the module-scoped fixture

pytestmark = pytest.mark.slow


def test_training_writes_goal_calibration(trained):  # noqa: F811
    _, _, run = trained
    record = json.loads((run / "calibration.json").read_text())
    assert record["points"] > 0 and -1.0 <= record["latent_l2_spearman"] <= 1.0
    assert -1.0 <= record["value_spearman"] <= 1.0
    assert (run / "calibration.png").stat().st_size > 0
    assert "value" in json.loads((run / "metrics.jsonl").read_text().splitlines()[-1])


def test_eval_with_value_cost_trust_region_and_validation_split(trained, tmp_path):  # noqa: F811
    _, _, run = trained
    out = tmp_path / "eval"
    run_cli(
        "eval",
        "--checkpoint",
        str(run),
        "--out",
        str(out),
        "--controller",
        "mppi+prior",
        "--controller",
        "oracle+cost",
        "--episodes",
        "2",
        "--batch-size",
        "2",
        "--num-samples",
        "16",
        "--horizon",
        "4",
        "--iterations",
        "2",
        "--replan-every",
        "2",
        "--cost",
        "value",
        "--prior-trust",
        "0.1",
        "--split",
        "validation",
    )
    results = json.loads((out / "results.json").read_text())
    assert results["evaluation_seeds"]["split"] == "validation"
    assert results["evaluation_seeds"]["first"] == int(evaluation_seeds(1, "validation")[0])
    assert results["settings"]["planner_overrides"] == {"cost": "value", "prior_trust": 0.1}
    assert set(results["controllers"]) == {"mppi+prior", "oracle+cost"}
    for entry in results["controllers"].values():
        assert entry["controller_config"]["planner"]["cost"] == "value"


def test_oracle_cost_scores_the_true_future_in_latent_space(trained):  # noqa: F811
    """Its rollout is the learned encoding of the observations the simulator really reaches."""
    _, _, run = trained
    model, _ = load_model(run)
    env = envs.make("reacher", num_envs=2)
    env.reset([int(s) for s in evaluation_seeds(2, "validation")])
    oracle = encoded_oracle(model, env)
    actions = torch.from_numpy(np.random.default_rng(0).uniform(-1, 1, (2, 3, 5, 2)).astype(np.float32))
    latents = oracle.rollout(torch.zeros(2, 1), actions)
    start = env.get_sim_state()
    for n in range(3):
        env.set_sim_state(start)
        for h in range(5):
            obs, *_ = env.step(actions[:, n, h].numpy().astype(np.float64))
            torch.testing.assert_close(latents[:, n, h], model.encode_goal(torch.from_numpy(obs["observation"])))
    env.set_sim_state(start)
    with pytest.raises(UserError, match="state observations"):
        encoded_oracle(model, envs.make("reacher", num_envs=1, obs_mode="pixels"))


def test_ablation_rows_switch_one_change_each_and_end_at_the_defaults():
    defaults = ROWS[-2]
    assert defaults.model == defaults.train == defaults.planner == {}
    assert len({row.name for row in ROWS}) == len(ROWS)
    models = [row_model_key(row) for row in ROWS]
    assert len(set(models)) == 5 and models[-1] == models[-2] == models[-3]  # planner-only rows share a model
    assert PlannerConfig(**ROWS[-1].planner).cost == "value"
    before = ROWS[0]
    assert PlannerConfig(**before.planner).prior_penalty == 0 and before.train["regularizer_weight"] == 1.0


def test_quality_sections_render_from_json():
    entry = {"success_rate": 0.5, "success_ci95": [0.3, 0.7]}
    ablation = {
        "task": "maze",
        "episodes": 4,
        "split": "test",
        "train_steps": 10,
        "preset": "demo",
        "rows": [{"name": "before", "adds": "x", "controllers": {"policy": entry, "mppi+prior": entry}}],
    }
    text = "\n".join(ablation_section(ablation))
    assert "Ablation on maze" in text and "| before | x | 50.0% [30.0%, 70.0%] |" in text
    cal = {"points": 10, "latent_l2_spearman": 0.5, "value_spearman": 0.9, "value_steps_spearman": 0.8}
    text = "\n".join(calibration_section(cal, "f/"))
    assert "Spearman 0.90" in text and "(f/jepa_calibration.png)" in text
