"""ACT-JEPA against behaviour cloning as the number of demonstrations grows.

For each demonstration count and training seed, both models are trained on the
same random subset of episodes; each is evaluated as a pure policy and as the
sampling prior of MPPI on the ACT-JEPA world model of that subset. Success is
pooled over seeds (Wilson interval over all episodes) and kept per seed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.evaluation.config import EvalConfig
from benchmarks.evaluation.episodes import EpisodeRecord
from benchmarks.evaluation.run import evaluate_controller
from benchmarks.evaluation.summary import summarize
from benchmarks.experiments.training import TrainRequest, train_on_dataset

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
    from envs.dataset import load_dataset

    dataset = load_dataset(data)
    records: dict[str, dict[int, list[EpisodeRecord]]] = {label: {n: [] for n in demos} for label in CURVES}
    for n in demos:
        for seed in seeds:
            episodes = subset(len(dataset.actions), n, seed)
            runs = {}
            for kind in ("jepa", "bc"):
                out = workdir / f"{kind}-n{n}-s{seed}"
                settings = replace(request.settings, seed=seed)
                runs[kind] = train_on_dataset(
                    replace(
                        request,
                        data=data,
                        out=out,
                        settings=settings,
                        episodes=episodes,
                        baseline="bc" if kind == "bc" else None,
                    ),
                    progress=progress,
                )
            info = {"task": dataset.meta["task"], "obs_mode": dataset.meta["obs_mode"]}
            for label, (controller, source) in CURVES.items():
                cfg = replace(base, controllers=(controller,), control=replace(base.control, seed=seed))
                prior = None if source == "jepa" else runs["bc"]
                record, _ = evaluate_controller(
                    controller, runs["jepa"], info["task"], info["obs_mode"], cfg, prior=prior, progress=progress
                )
                records[label][n].append(record)
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
        "train_steps": request.settings.steps,
        "curves": curves,
    }
