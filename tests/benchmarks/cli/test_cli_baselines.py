"""`actjepa baselines`: zero and random on the episodes of a results file made before they existed."""

from __future__ import annotations

import json

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.run import evaluate
from actjepa.planner import ControllerConfig


def test_baselines_run_on_the_tables_episodes_and_never_overwrite(cli, tmp_path):
    """A table of 6 validation episodes with noise seed 3: its baselines are what evaluating them beside the
    table's own controllers would have given."""
    cfg = EvalConfig(controllers=("zero", "random"), episodes=6, batch_size=4, split="validation")
    cfg = EvalConfig(**{**cfg.__dict__, "control": ControllerConfig(seed=3)})
    expected = evaluate(None, {"task": "maze", "obs_mode": "state"}, cfg, progress=False)
    table = {**expected, "controllers": {"policy": {"success_rate": 1.0}}}
    (tmp_path / "results.json").write_text(json.dumps(table))
    code, out, err = cli("baselines", "--results", tmp_path / "results.json")
    assert code == 0, err
    written = json.loads((tmp_path / "baselines.json").read_text())
    assert written["evaluation_seeds"] == expected["evaluation_seeds"] and written["for_results"] == "results.json"
    for name in ("zero", "random"):
        assert written["controllers"][name]["per_episode"] == expected["controllers"][name]["per_episode"]
    assert written["machine"]["cores"] and "wrote" in out
    code, _, err = cli("baselines", "--results", tmp_path / "results.json")
    assert code == 2 and "baselines.json already exists; pass --force" in err


def test_a_table_of_a_goal_region_is_refused(cli, tmp_path):
    cfg = EvalConfig(controllers=("zero",), episodes=2)
    table = {**evaluate(None, {"task": "maze", "obs_mode": "state"}, cfg, progress=False), "goal_region": "a sector"}
    (tmp_path / "results.json").write_text(json.dumps(table))
    code, _, err = cli("baselines", "--results", tmp_path / "results.json")
    assert code == 2 and "evaluates a goal region or a perturbation" in err
    assert not (tmp_path / "baselines.json").exists()
