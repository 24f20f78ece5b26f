"""Run controllers on held-out episodes side by side and score them from simulator state.

Learned controllers see observations and goal observations only; the task's
success and distance (simulator state) are read here, by the scorer, after
each step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm import tqdm


@dataclass
class EpisodeRecord:
    """What one batch of episodes did under one controller (arrays over the episode axis)."""

    seeds: np.ndarray
    """Episode seeds, (E,)."""
    success: np.ndarray
    """The task's success rule held at the final step, (E,) bool."""
    ever_success: np.ndarray
    """The success rule held at some step, (E,) bool."""
    final_distance: np.ndarray
    """Goal distance after the last step, (E,)."""
    steps_to_success: np.ndarray
    """First step (1-based) at which the rule held, -1 where it never did, (E,)."""
    solved_at_start: np.ndarray | None = None
    """The success rule already held right after reset, before any action, (E,) bool (None: not recorded)."""
    ms_per_action: list[float] = field(default_factory=list)
    """Wall time of each controller call, in milliseconds, for the whole batch."""
    achieved_goals: np.ndarray | None = None
    """Achieved goal after reset and after each step, (E, T+1, G), when recorded."""

    @staticmethod
    def concatenate(records: list[EpisodeRecord]) -> EpisodeRecord:
        """Join records of consecutive episode batches."""
        goals = [r.achieved_goals for r in records]
        starts = [r.solved_at_start for r in records]
        return EpisodeRecord(
            seeds=np.concatenate([r.seeds for r in records]),
            success=np.concatenate([r.success for r in records]),
            ever_success=np.concatenate([r.ever_success for r in records]),
            final_distance=np.concatenate([r.final_distance for r in records]),
            steps_to_success=np.concatenate([r.steps_to_success for r in records]),
            solved_at_start=None if any(s is None for s in starts) else np.concatenate(starts),
            ms_per_action=[ms for r in records for ms in r.ms_per_action],
            achieved_goals=None if any(g is None for g in goals) else np.concatenate(goals),
        )


def to_tensor(array: np.ndarray, device: torch.device | str) -> torch.Tensor:
    """Observations to torch; pixels stay uint8 (the model converts them)."""
    tensor = torch.from_numpy(np.ascontiguousarray(array))
    if tensor.dtype == torch.float64:
        tensor = tensor.float()
    return tensor.to(device)


def _timed_action(controller, observation: np.ndarray, device: torch.device | str) -> tuple[np.ndarray, float]:
    """The controller's actions (B, A) as float64 for observations (B, *obs), and the milliseconds it took."""
    start = time.perf_counter()
    action = controller.act(to_tensor(observation, device))
    if isinstance(action, torch.Tensor):
        action = action.detach().cpu().numpy()
    return np.asarray(action, dtype=np.float64), (time.perf_counter() - start) * 1e3


def _perturbed(perturbation, env, seeds: np.ndarray):
    """The perturbation's per-episode state for this batch (envs.perturbation.PerturbedEpisodes), or None."""
    if perturbation is None:
        return None
    from actjepa.envs.perturbation import PerturbedEpisodes

    return PerturbedEpisodes(perturbation, env, np.asarray(seeds))


def run_episodes(
    env,
    controller,
    seeds: np.ndarray,
    device: torch.device | str = "cpu",
    record_goals: bool = False,
    on_step: Callable[[int, dict], None] | None = None,
    progress: tqdm | None = None,
    controller_seeds: list[int] | None = None,
    perturbation=None,
    until_solved: bool = False,
) -> EpisodeRecord:
    """Run len(seeds) == env.num_envs episodes side by side until the episode ends.

    controller_seeds fix each episode's search noise (one per episode); perturbation (envs.perturbation)
    pushes the episodes or jitters their actions alike whatever the controller. until_solved stops the batch
    once every episode has met its goal at some step (benchmarks whose episodes end at success, like OGBench,
    score `ever_success`; later steps could not change it).
    """
    obs = env.reset([int(s) for s in seeds])
    perturbed = _perturbed(perturbation, env, seeds)
    controller.reset(
        to_tensor(obs["observation"], device), to_tensor(obs["goal_observation"], device), seeds=controller_seeds
    )
    solved_at_start = np.asarray(env.success(), dtype=bool).copy()
    ever = np.zeros(env.num_envs, dtype=bool)
    first = np.full(env.num_envs, -1, dtype=np.int64)
    goals = [obs["achieved_goal"].copy()] if record_goals else None
    timings: list[float] = []
    info: dict = {}
    for t in range(env.max_episode_steps):
        action, ms = _timed_action(controller, obs["observation"], device)
        timings.append(ms)
        if perturbed is not None:
            action = perturbed.before_step(t, action)
        obs, _, _, _, info = env.step(action)
        newly = info["success"] & ~ever
        first[newly] = t + 1
        ever |= info["success"]
        if goals is not None:
            goals.append(obs["achieved_goal"].copy())
        if on_step is not None:
            on_step(t, obs)
        if progress is not None:
            progress.update(1)
        if until_solved and ever.all():
            break
    return EpisodeRecord(
        seeds=np.asarray(seeds),
        success=np.asarray(info["success"], dtype=bool).copy(),
        ever_success=ever,
        final_distance=np.asarray(info["goal_distance"], dtype=np.float64).copy(),
        steps_to_success=first,
        solved_at_start=solved_at_start,
        ms_per_action=timings,
        achieved_goals=None if goals is None else np.stack(goals, axis=1),
    )
