"""The tiny training pipeline gives the numbers recorded before a refactoring: losses, weights and plans.

Every option of the objective is switched on in one of the cases (VICReg and SIGReg, the value regression,
noise on state contexts, random shifts of pixel windows, the BC baseline). reference_numbers.json was
written by `record()` from the code as it stood before the world model was split into core/, training/ and
decoder/ and the loss inputs were drawn in one place; a refactoring that changes a draw, its order or a
loss term moves these numbers by far more than the tolerance, which only absorbs the last-bit differences
of matrix products between CPU types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from actjepa.planner import PlannerConfig, plan
from actjepa.world_model.training.config import TrainConfig
from actjepa.world_model.training.train import train
from tests.world_model.conftest import META, sampler_for, tiny_config
from tests.world_model.synthetic import make_episodes, norm_stats

REFERENCE = Path(__file__).with_name("reference_numbers.json")
LOGGED = ("loss", "action", "latent", "predictor", "regularizer", "value", "emb_std", "eff_rank")

CASES: dict[str, dict[str, Any]] = {
    "vicreg-value-obs-noise": {
        "model": {"regularizer": "vicreg", "value_hidden": 16},
        "train": {"obs_noise": 0.1},
    },
    "sigreg-value-obs-noise": {
        "model": {"regularizer": "sigreg", "value_hidden": 16},
        "train": {"obs_noise": 0.2, "regularizer_weight": 0.5, "value_expectile": 0.3},
    },
    "pixels-image-shift": {
        "model": {"value_hidden": 16, "pixel_encoder": "strided"},
        "train": {"image_shift": 3, "batch_size": 8, "rollout_horizon": 4},
        "pixels": True,
    },
    "bc-obs-noise": {
        "model": {"baseline": "bc", "value_hidden": 16},
        "train": {"obs_noise": 0.1, "bc_encoder_lr_scale": 0.5},
    },
}
"Model overrides, training overrides and the observation kind of each pinned run."

TRAIN_BASE = {
    "steps": 4,
    "batch_size": 16,
    "lr": 3e-3,
    "warmup_steps": 1,
    "log_every": 1,
    "checkpoint_every": 4,
    "rollout_horizon": 6,
    "ema_start": 0.9,
}


def _train_config(overrides: dict[str, Any]) -> TrainConfig:
    return TrainConfig().with_changes(**{**TRAIN_BASE, **overrides})


def _fingerprint(model: torch.nn.Module) -> dict[str, Any]:
    """Numbers summarising every weight and buffer: sum of squares, and four fixed random projections."""
    flat = torch.cat([t.detach().double().reshape(-1) for _, t in sorted(model.state_dict().items())]).numpy()
    directions = np.random.default_rng(0).standard_normal((4, flat.size))
    return {"sum_sq": float(flat @ flat), "projections": (directions @ flat).tolist()}


def _plan_actions(model, data: dict[str, np.ndarray]) -> list:
    """MPPI with the head's prior from two episodes' first observations to their last ones."""
    k = model.context_len
    obs = torch.as_tensor(data["observations"][:2, :k])
    goal = torch.as_tensor(data["observations"][:2, -1])
    cfg = PlannerConfig(num_samples=16, horizon=4, iterations=2, compile="off")
    with torch.no_grad():
        z, z_goal = model.encode(obs), model.encode_goal(goal)
        result = plan(model, z, z_goal, cfg, prior=model, generator=torch.Generator().manual_seed(3))
    return result.actions.tolist()


def run_case(name: str, out: Path) -> dict[str, Any]:
    """Train the case's model for a few steps and plan with it: the numbers this test pins."""
    case = CASES[name]
    pixels = case.get("pixels", False)
    data = make_episodes(8, 16, seed=1, pixels=True) if pixels else make_episodes(12, 20, seed=1)
    cfg = tiny_config(pixels=pixels, **case["model"])
    result = train(
        cfg, _train_config(case["train"]), sampler_for(data, cfg).batch, norm_stats(data), out, META, progress=False
    )
    rows = [{key: row[key] for key in LOGGED} for row in result.metrics]
    return {"rows": rows, "weights": _fingerprint(result.model), "plan": _plan_actions(result.model.eval(), data)}


def record() -> None:
    """Write reference_numbers.json from the code as it stands (run once, before a refactoring)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        numbers = {name: run_case(name, Path(tmp) / name) for name in CASES}
    REFERENCE.write_text(json.dumps(numbers, indent=1) + "\n")


def _close(got, expected, rel: float = 1e-4, abs_: float = 1e-6) -> bool:
    return np.allclose(np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64), rtol=rel, atol=abs_)


@pytest.mark.parametrize("name", list(CASES))
def test_training_and_planning_give_the_recorded_numbers(tmp_path, name):
    expected = json.loads(REFERENCE.read_text())[name]
    got = run_case(name, tmp_path / name)
    assert len(got["rows"]) == len(expected["rows"]) == TRAIN_BASE["steps"]
    for step, (row, want) in enumerate(zip(got["rows"], expected["rows"], strict=True), start=1):
        for key in LOGGED:
            assert _close(row[key], want[key]), (name, step, key, row[key], want[key])
    assert _close(got["weights"]["sum_sq"], expected["weights"]["sum_sq"])
    assert _close(got["weights"]["projections"], expected["weights"]["projections"], abs_=1e-4)
    assert _close(got["plan"], expected["plan"], abs_=1e-5)


if __name__ == "__main__":
    record()
