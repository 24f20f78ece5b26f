"""Planning success against training length: does a longer-trained model plan better, or worse?"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.run import evaluate
from actjepa.benchmarks.experiments.training import TrainRequest, train_or_load


def run_training_steps(
    data: Path, workdir: Path, steps: tuple[int, ...], base: EvalConfig, request: TrainRequest, progress: bool = True
) -> dict:
    """One model per training length (each with its own learning-rate schedule), evaluated alike."""
    from actjepa.envs.dataset import load_dataset

    dataset = load_dataset(data)
    info = {"task": dataset.meta["task"], "obs_mode": dataset.meta["obs_mode"]}
    points = []
    for count in steps:
        settings = request.settings.with_changes(steps=count)
        model = train_or_load(
            replace(request, data=data, out=workdir / f"steps-{count}", settings=settings), progress=progress
        )
        results = evaluate(model, info, base, progress=progress)
        points.append({"steps": count, "controllers": results["controllers"]})
    return {
        "task": info["task"],
        "episodes": base.episodes,
        "split": base.split,
        "preset": request.settings.preset,
        "points": points,
    }
