"""A tiny reacher experiment set-up shared by the experiment tests: 8 demonstrations, a 4-step training, a
16-sample planner and 2 evaluation episodes."""

from __future__ import annotations

from pathlib import Path

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.training import TrainRequest, TrainSettings
from actjepa.envs.collect import collect
from actjepa.planner import ControllerConfig, PlannerConfig


def tiny_reacher(tmp_path: Path, **eval_fields) -> tuple[Path, EvalConfig, TrainRequest]:
    """(dataset path, evaluation settings with `eval_fields` replaced, training request) under tmp_path."""
    data = collect(
        task="reacher",
        source="expert",
        episodes=8,
        noise=0.1,
        seed=0,
        out=tmp_path / "d.h5",
        obs_mode="state",
        batch_size=8,
        force=False,
        progress=False,
    )
    control = ControllerConfig(planner=PlannerConfig(num_samples=16, horizon=4, iterations=2), replan_every=2)
    base = EvalConfig(episodes=2, batch_size=2, control=control, **eval_fields)
    settings = TrainSettings.of_preset("demo").with_changes(steps=4, batch_size=8, val_fraction=0.25)
    return data, base, TrainRequest(data=data, out=tmp_path, settings=settings)
