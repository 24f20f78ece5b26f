"""Evaluate controllers of a trained model on the task's held-out episodes and write results.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

import envs
from benchmarks.errors import UserError
from benchmarks.evaluation import EpisodeRecord, run_episodes, summarize
from envs.seeds import evaluation_seeds
from planner import CONTROLLER_NAMES, ControllerConfig, PlannerConfig, SimulatorModel, make_controller

RESULTS_SCHEMA = 1


@dataclass
class EvalConfig:
    """What to evaluate and with which planning budget."""

    controllers: tuple[str, ...] = ("policy", "mppi+prior")
    "Controller names, among policy, cem, mppi, cem+prior, mppi+prior, oracle."
    episodes: int = 100
    "Held-out episodes per controller (the first seeds of the task's evaluation range)."
    batch_size: int = 50
    "Episodes run side by side in one batched environment and one batched plan."
    num_samples: int = 512
    "N: sampled action sequences per plan and episode."
    horizon: int = 16
    "H: planning horizon in control steps."
    iterations: int = 6
    "Refinement rounds per plan."
    replan_every: int = 4
    "Actions executed from each plan or policy chunk before replanning."
    seed: int = 0
    "Seed of the planners' per-episode noise streams."
    device: str = "cpu"
    "Torch device of the model and the planner ('cpu' or 'cuda')."
    planner_overrides: dict[str, Any] = field(default_factory=dict)
    "Further PlannerConfig fields (e.g. temperature) applied to every planning controller."

    def __post_init__(self) -> None:
        unknown = [c for c in self.controllers if c not in CONTROLLER_NAMES]
        if unknown:
            raise UserError(f"unknown controller {unknown[0]!r}; choose from {', '.join(CONTROLLER_NAMES)}")
        if self.episodes < 1 or self.batch_size < 1:
            raise UserError("--episodes and --batch-size must be at least 1")


def controller_config(cfg: EvalConfig, env, name: str) -> ControllerConfig:
    """The controller settings for one named controller on one batched environment."""
    method = "cem" if name.startswith("cem") else "mppi"
    planner_cfg = PlannerConfig(
        method=method,
        num_samples=cfg.num_samples,
        horizon=cfg.horizon,
        iterations=cfg.iterations,
        num_elites=min(64, max(1, cfg.num_samples // 8)),
        num_prior_trajectories=min(24, cfg.num_samples // 8) if name.endswith("+prior") else 0,
        action_low=tuple(float(x) for x in env.action_low),
        action_high=tuple(float(x) for x in env.action_high),
        **cfg.planner_overrides,
    )
    replan = min(cfg.replan_every, cfg.horizon)
    return ControllerConfig(planner=planner_cfg, replan_every=replan, seed=cfg.seed, device=cfg.device)


def build_controller(name: str, model, env, cfg: EvalConfig, prior=None):
    """A named controller; the oracle plans on the simulator through the env's batched rollout."""
    ctrl_cfg = controller_config(cfg, env, name)
    if name == "oracle":
        oracle = SimulatorModel(simulate=env.simulate, goal=lambda: env.desired_goal, action_dim=env.action_dim)
        return make_controller("oracle", oracle, ctrl_cfg)
    if name == "policy" and prior is not None:
        return make_controller("policy", prior, ctrl_cfg)
    return make_controller(name, model, ctrl_cfg, prior=prior if name.endswith("+prior") else None)


def evaluate_controller(
    name: str, model, task: str, obs_mode: str, cfg: EvalConfig, prior=None, progress: bool = True
) -> tuple[EpisodeRecord, ControllerConfig]:
    """Run one controller on cfg.episodes held-out episodes, cfg.batch_size at a time.

    Episode i's search noise is seeded by cfg.seed + i, so results do not depend on the batch size.
    """
    seeds = evaluation_seeds(cfg.episodes)
    steps = envs.task_spec(task).max_episode_steps
    batches = [np.arange(s, min(s + cfg.batch_size, len(seeds))) for s in range(0, len(seeds), cfg.batch_size)]
    records, ctrl_cfg = [], None
    with tqdm(total=len(batches) * steps, desc=f"eval {name}", unit="step", disable=not progress, leave=False) as bar:
        for index in batches:
            env = envs.make(task, num_envs=len(index), obs_mode=obs_mode)
            controller = build_controller(name, model, env, cfg, prior=prior)
            ctrl_cfg = controller.cfg
            records.append(run_episodes(env, controller, seeds[index], device=cfg.device, progress=bar,
                                        controller_seeds=[cfg.seed + int(i) for i in index]))
    return EpisodeRecord.concatenate(records), ctrl_cfg


def evaluate(
    model, info: dict, cfg: EvalConfig, prior=None, progress: bool = True, checkpoint: str | None = None
) -> dict:
    """Evaluate every requested controller; the returned dict is results.json."""
    task, obs_mode = info["task"], info["obs_mode"]
    controllers = {}
    for name in cfg.controllers:
        record, ctrl_cfg = evaluate_controller(name, model, task, obs_mode, cfg, prior=prior, progress=progress)
        entry = summarize(record, batch_size=min(cfg.batch_size, cfg.episodes), replan_every=ctrl_cfg.replan_every)
        entry["controller_config"] = asdict(ctrl_cfg)
        controllers[name] = entry
        if progress:
            tqdm.write(f"  {name:>11}: success {entry['success_rate']:.0%} "
                       f"[{entry['success_ci95'][0]:.0%}, {entry['success_ci95'][1]:.0%}], "
                       f"{entry['median_ms_per_action']:.1f} ms/action")
    seeds = evaluation_seeds(cfg.episodes)
    return {
        "schema_version": RESULTS_SCHEMA,
        "task": task,
        "obs_mode": obs_mode,
        "checkpoint": checkpoint,
        "episodes": cfg.episodes,
        "evaluation_seeds": {"first": int(seeds[0]), "last": int(seeds[-1]), "count": int(len(seeds))},
        "settings": {k: v for k, v in asdict(cfg).items() if k != "controllers"},
        "controllers": controllers,
        "package_version": version("actjepa"),
        "torch_threads": torch.get_num_threads(),
    }


def strip_timings(results: dict) -> dict:
    """results.json without wall-clock fields, for comparing reruns."""
    clean = {k: v for k, v in results.items() if k != "torch_threads"}
    clean["controllers"] = {
        name: {k: v for k, v in entry.items() if not k.endswith("ms_per_action")}
        for name, entry in results["controllers"].items()
    }
    return clean


def result_path(out: Path) -> Path:
    """Where results.json lives under an --out folder."""
    return Path(out) / "results.json"


