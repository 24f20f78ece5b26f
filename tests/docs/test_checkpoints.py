"""The reference checkpoints in docs/checkpoints reproduce the tables they come from, episode by episode.

Each is the training-seed-0 model behind a controller table of docs/results. Evaluated here on the first
test episodes of that table, with the settings its results file records, every episode must end as the
table's file says it did (success, and the final distance to float rounding).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from actjepa.benchmarks.evaluation.baselines import config_of_results
from actjepa.benchmarks.evaluation.run import evaluate
from actjepa.world_model import load_model

DOCS = Path(__file__).resolve().parents[2] / "docs"
CHECKPOINTS: dict[str, str] = {"reacher": "results.json", "maze": "maze/results.json", "push": "push/results.json"}
"""Shipped checkpoint (docs/checkpoints/TASK) -> the results file of its table (under docs/results). A table made
before results kept each episode's outcome has none shipped: nothing could check a checkpoint against it."""
EPISODES = 4
"Test episodes evaluated per checkpoint and controller (the table's first ones)."
CONTROLLERS = ("policy", "mppi+prior")
DISTANCE_TOLERANCE = 1e-4
"Final goal distances agree to this (metres): the same episodes, up to float rounding of another batch size."


@pytest.mark.parametrize("task", sorted(CHECKPOINTS))
def test_a_shipped_checkpoint_reproduces_its_tables_seed_0_episodes(task):
    results = json.loads((DOCS / "results" / CHECKPOINTS[task]).read_text())
    model, info = load_model(DOCS / "checkpoints" / task)
    assert info["task"] == task and results["task"] == task
    cfg = config_of_results(results, CONTROLLERS, EPISODES)
    got = evaluate(model, {"task": task, "obs_mode": results["obs_mode"]}, cfg, progress=False)
    for name in CONTROLLERS:
        table = results["controllers"][name]
        assert table["training_seeds"][0] == info["train_config"]["seed"] == 0  # the table's first seed
        expected = {key: values[:EPISODES] for key, values in table["per_episode"].items()}
        mine = got["controllers"][name]["per_episode"]
        assert mine["seed"] == expected["seed"] and mine["success"] == expected["success"], name
        np.testing.assert_allclose(mine["final_distance"], expected["final_distance"], atol=DISTANCE_TOLERANCE)


def test_every_shipped_checkpoint_is_checked():
    shipped = sorted(p.name for p in (DOCS / "checkpoints").iterdir() if p.is_dir())
    assert shipped == sorted(CHECKPOINTS)
