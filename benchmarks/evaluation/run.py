"""Evaluate controllers of a trained model on the task's held-out episodes; the dict written as results.json."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from actjepa import envs
from actjepa.benchmarks.evaluation.availability import check_controllers_available
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.controllers import build_controller
from actjepa.benchmarks.evaluation.episodes import EpisodeRecord, run_episodes
from actjepa.benchmarks.evaluation.summary import summarize
from actjepa.benchmarks.evaluation.trivial import RUN_ONCE
from actjepa.common import package_version
from actjepa.envs.seeds import evaluation_seeds
from actjepa.planner import ControllerConfig

RESULTS_SCHEMA = 1


def evaluate_controller(
    name: str, model: Any, task: str, obs_mode: str, cfg: EvalConfig, prior: Any = None, progress: bool = True
) -> tuple[EpisodeRecord, ControllerConfig]:
    """Run one controller on cfg.episodes held-out episodes, cfg.batch_size at a time.

    Episode i's search noise is seeded by cfg.seed + i, so results do not depend on the batch size.
    """
    seeds = episode_seeds(task, cfg)
    steps = envs.task_spec(task).max_episode_steps
    batches = [np.arange(s, min(s + cfg.batch_size, len(seeds))) for s in range(0, len(seeds), cfg.batch_size)]
    control = replace(cfg.control, device=cfg.device)
    records, ctrl_cfg = [], None
    with tqdm(total=len(batches) * steps, desc=f"eval {name}", unit="step", disable=not progress, leave=False) as bar:
        for index in batches:
            with envs.make(task, num_envs=len(index), obs_mode=obs_mode) as env:
                controller = build_controller(name, model, env, control, prior=prior)
                ctrl_cfg = controller.cfg
                records.append(
                    run_episodes(
                        env,
                        controller,
                        seeds[index],
                        device=cfg.device,
                        progress=bar,
                        controller_seeds=[cfg.seed + int(i) for i in index],
                        perturbation=cfg.perturbation,
                    )
                )
    return EpisodeRecord.concatenate(records), ctrl_cfg


def episode_seeds(task: str, cfg: EvalConfig) -> np.ndarray:
    """The held-out episode seeds cfg asks for: the split's first ones, or the first with goals in its region."""
    if cfg.goal_region is None:
        return evaluation_seeds(cfg.episodes, cfg.split)
    from actjepa.envs.regions import seeds_inside

    return seeds_inside(task, cfg.goal_region, cfg.episodes, cfg.split)


def controller_entry(
    name: str, model: Any, info: dict, cfg: EvalConfig, prior: Any = None, progress: bool = True
) -> tuple[dict, ControllerConfig]:
    """Evaluate one controller and summarize it: its results.json entry and the settings it ran with."""
    record, ctrl_cfg = evaluate_controller(
        name, model, info["task"], info["obs_mode"], cfg, prior=prior, progress=progress
    )
    entry = summarize(record, batch_size=min(cfg.batch_size, cfg.episodes), replan_every=ctrl_cfg.replan_every)
    return entry, ctrl_cfg


def evaluate(
    model: Any, info: dict, cfg: EvalConfig, prior: Any = None, progress: bool = True, checkpoint: str | None = None
) -> dict:
    """Evaluate every requested controller; the returned dict is results.json."""
    return evaluate_seeds({None: model}, info, cfg, {None: prior}, progress=progress, checkpoint=checkpoint)


def evaluate_seeds(
    models: dict[Any, Any],
    info: dict,
    cfg: EvalConfig,
    priors: dict[Any, Any] | None = None,
    progress: bool = True,
    checkpoint: str | None = None,
) -> dict:
    """results.json for models of several training seeds: each controller's episodes pooled over the seeds.

    models: training seed -> model (priors alike, or None). The oracles and the controllers that read no model
    do not depend on the model's training (or are costly: oracle+cost), so they run with the first seed's
    model only.
    Every entry keeps the per-seed success rates beside the pooled rate and interval.
    """
    check_controllers_available(info["task"], cfg.controllers)
    controllers = {}
    for name in cfg.controllers:
        seeds = list(models)[:1] if name in RUN_ONCE else list(models)
        records, ctrl_cfg = [], None
        for seed in seeds:
            prior = (priors or {}).get(seed)
            record, ctrl_cfg = evaluate_controller(
                name, models[seed], info["task"], info["obs_mode"], cfg, prior=prior, progress=progress
            )
            records.append(record)
        entry = summarize(EpisodeRecord.concatenate(records), min(cfg.batch_size, cfg.episodes), ctrl_cfg.replan_every)
        entry["per_seed"] = [float(r.success.mean()) for r in records]
        entry["training_seeds"] = [s for s in seeds if s is not None]
        entry["controller_config"] = asdict(ctrl_cfg)
        controllers[name] = entry
        if progress:
            tqdm.write(
                f"  {name:>11}: success {entry['success_rate']:.0%} "
                f"[{entry['success_ci95'][0]:.0%}, {entry['success_ci95'][1]:.0%}], "
                f"{entry['median_ms_per_action']:.1f} ms/action"
            )
    return _results_record(info, cfg, controllers, checkpoint)


def _results_record(info: dict, cfg: EvalConfig, controllers: dict, checkpoint: str | None) -> dict:
    seeds = episode_seeds(info["task"], cfg)
    return {
        "schema_version": RESULTS_SCHEMA,
        "task": info["task"],
        "obs_mode": info["obs_mode"],
        "checkpoint": checkpoint,
        "episodes": cfg.episodes,
        "evaluation_seeds": {
            "split": cfg.split,
            "first": int(seeds[0]),
            "last": int(seeds[-1]),
            "count": int(len(seeds)),
        },
        "settings": cfg.settings(),
        **({"goal_region": cfg.goal_region.describe()} if cfg.goal_region else {}),
        **({"perturbation": asdict(cfg.perturbation)} if cfg.perturbation else {}),
        "controllers": controllers,
        "solved_at_start_rate": next(
            (e["solved_at_start_rate"] for e in controllers.values() if "solved_at_start_rate" in e), None
        ),
        "package_version": package_version(),
        "torch_threads": torch.get_num_threads(),
    }


def with_controllers(cfg: EvalConfig, controllers: tuple[str, ...], episodes: int | None = None) -> EvalConfig:
    """The same settings for other controllers (and episodes; the batch never exceeds them)."""
    episodes = cfg.episodes if episodes is None else episodes
    return replace(cfg, controllers=controllers, episodes=episodes, batch_size=min(cfg.batch_size, episodes))


def result_path(out: Path) -> Path:
    """Where results.json lives under an --out folder."""
    return Path(out) / "results.json"
