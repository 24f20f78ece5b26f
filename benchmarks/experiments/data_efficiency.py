"""ACT-JEPA against behaviour cloning as the number of demonstrations grows.

For each demonstration count and training seed, both models are trained on the
same random subset of episodes; each is evaluated as a pure policy and as the
sampling prior of MPPI on the ACT-JEPA world model of that subset. Success is
pooled over seeds (Wilson interval over all episodes) and kept per seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import fields, replace
from functools import partial
from pathlib import Path

import numpy as np

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.episodes import EpisodeRecord
from actjepa.benchmarks.evaluation.run import evaluate_controller
from actjepa.benchmarks.evaluation.summary import summarize
from actjepa.benchmarks.experiments.training import TrainRequest, train_or_load
from actjepa.benchmarks.experiments.work_time import timed

CURVES = {
    "act-jepa policy": ("policy", "jepa"),
    "bc policy": ("policy", "bc"),
    "mppi + act-jepa prior": ("mppi+prior", "jepa"),
    "mppi + bc prior": ("mppi+prior", "bc"),
}
"Curve label -> (controller, which model supplies the policy / prior)."


def subset(num_episodes: int, count: int, seed: int) -> np.ndarray:
    """The `count` training episodes used by `seed` (nested across counts for one seed)."""
    order = np.random.default_rng(seed).permutation(num_episodes)
    return np.sort(order[:count])


def run_data_efficiency(
    data: Path,
    workdir: Path,
    demos: tuple[int, ...],
    seeds: tuple[int, ...],
    base: EvalConfig,
    request: TrainRequest,
    progress: bool = True,
) -> dict:
    """Train both models for every (count, seed), evaluate all curves, and pool the results."""
    from actjepa.envs.dataset import load_dataset

    dataset = load_dataset(data)
    records: dict[str, dict[int, list[EpisodeRecord]]] = {label: {n: [] for n in demos} for label in CURVES}
    for n in demos:
        for seed in seeds:
            episodes = subset(len(dataset.actions), n, seed)
            runs = {}
            for kind in ("jepa", "bc"):
                out = workdir / f"{kind}-n{n}-s{seed}"
                settings = request.settings.with_changes(seed=seed)
                baseline = "bc" if kind == "bc" else None
                trained = replace(request, data=data, out=out, settings=settings, episodes=episodes, baseline=baseline)
                runs[kind] = _train_timed(trained, progress)
            info = {"task": dataset.meta["task"], "obs_mode": dataset.meta["obs_mode"]}
            for label, (controller, source) in CURVES.items():
                cfg = replace(base, controllers=(controller,), control=replace(base.control, seed=seed))
                prior = None if source == "jepa" else runs["bc"]
                evaluate = partial(_record, controller, runs["jepa"], info, cfg, prior, progress)
                key = repr((label, cfg, request.settings))
                records[label][n].append(record_once(workdir / f"jepa-n{n}-s{seed}" / "evaluations", key, evaluate))
    curves = {}
    for label in CURVES:
        points = []
        for n in demos:
            pooled = EpisodeRecord.concatenate(records[label][n])
            points.append(
                {
                    "demonstrations": n,
                    **summarize(pooled, base.batch_size, base.control.replan_every),
                    "seed_success_rates": [float(r.success.mean()) for r in records[label][n]],
                }
            )
        curves[label] = points
    return {
        "task": dataset.meta["task"],
        "seeds": list(seeds),
        "episodes_per_seed": base.episodes,
        "split": base.split,
        "train_steps": request.settings.changed().get("steps"),
        "train_preset": request.settings.preset,
        "curves": curves,
    }


def _train_timed(request: TrainRequest, progress: bool):
    """train_or_load, recording the time of the training it does in the model's folder (work_time)."""
    if (Path(request.out) / "calibration.json").is_file():
        return train_or_load(request, progress=progress)
    return timed(request.out, "train", partial(train_or_load, request, progress=progress))


def _record(controller: str, model, info: dict, cfg: EvalConfig, prior, progress: bool) -> EpisodeRecord:
    record, _ = evaluate_controller(
        controller, model, info["task"], info["obs_mode"], cfg, prior=prior, progress=progress
    )
    return record


KEPT_FIELDS = tuple(f.name for f in fields(EpisodeRecord) if f.name != "achieved_goals")
"The EpisodeRecord fields kept by record_once (every one but the optional per-step goals)."


def record_once(folder: Path, key: str, evaluate: Callable[[], EpisodeRecord]) -> EpisodeRecord:
    """The record that an earlier run saved under folder for the same settings (`key`), else evaluate and keep
    it there, so an interrupted or split run does not evaluate a (count, seed, curve) twice."""
    from actjepa.common.files import atomic_write

    path = Path(folder) / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"
    if path.is_file():
        with np.load(path) as saved:
            if str(saved["key"]) == key:
                kept = {name: saved[name] for name in KEPT_FIELDS if name in saved.files}  # older files: fewer
                return EpisodeRecord(**{**kept, "ms_per_action": kept["ms_per_action"].tolist()})
    record = timed(folder, f"evaluate:{path.stem}", evaluate)
    arrays = {name: np.asarray(getattr(record, name)) for name in KEPT_FIELDS if getattr(record, name) is not None}

    def write(tmp: str) -> None:
        with open(tmp, "wb") as file:
            np.savez(file, key=np.array(key), **arrays)

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, write)
    return record
