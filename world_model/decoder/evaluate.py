"""How far a decoder's pictures can be trusted: held-out reconstruction, and decoded imagined rollouts.

Observation errors are normalised per dimension (see world_model.decoder.data); goal errors are mean
Euclidean distances in the task's goal units (metres for the built-in tasks).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

from actjepa.world_model.decoder.data import EVAL_ROWS, DecoderData, DimensionSums, encode_episodes
from actjepa.world_model.decoder.model import DecoderConfig, LatentDecoder


def _raw_goal(decoder: LatentDecoder, goal_n: Tensor) -> Tensor:
    return goal_n * decoder.goal_std + decoder.goal_mean


def _goal_distance(decoder: LatentDecoder, goal_n: Tensor, goals: np.ndarray) -> Tensor:
    """Euclidean distances (M,) between decoded goals (normalised, (M, G)) and real ones (raw, (M, G))."""
    real = torch.as_tensor(goals, dtype=torch.float32, device=goal_n.device)
    return (_raw_goal(decoder, goal_n) - real).norm(dim=-1)


def _per_channel(values: Tensor, like: Tensor) -> Tensor:
    """Per-dimension values (C,) shaped to broadcast against observations like `like` ((M, C) or (M, C, H, W))."""
    return values.reshape(-1, *([1] * (like.dim() - 2)))


class ErrorMeter:
    """Accumulates decoded-against-real observation and goal errors over batches."""

    def __init__(self, variance: Tensor) -> None:
        self.variance = variance
        self.obs = DimensionSums()
        self.goal_sum, self.count = 0.0, 0

    def add(self, decoder: LatentDecoder, model, latents: Tensor, obs: np.ndarray, goals: np.ndarray) -> None:
        """latents (M, D) against raw observations (M, *obs) and goals (M, G)."""
        pred_obs, goal_n = decoder(latents)
        self.obs.add((pred_obs - model.normalize_obs(obs)) ** 2)
        self.goal_sum += float(_goal_distance(decoder, goal_n, goals).sum())
        self.count += len(latents)

    def observation_error(self) -> float:
        return float((self.obs.mean() / self.variance).mean())

    def goal_error(self) -> float:
        return self.goal_sum / max(self.count, 1)


@torch.no_grad()
def heldout_report(
    decoder: LatentDecoder, model, latents: Tensor, obs: np.ndarray, goals: np.ndarray, moments: tuple[Tensor, Tensor]
) -> dict[str, float]:
    """Errors of decoding encoder latents (N, D) of held-out observations (N, *obs), goals (N, G), and the error of
    predicting the training mean instead (the baseline a useful decoder must beat)."""
    mean, variance = moments
    meter, baseline = ErrorMeter(variance), DimensionSums()
    for lo in range(0, len(latents), EVAL_ROWS):
        rows = slice(lo, lo + EVAL_ROWS)
        meter.add(decoder, model, latents[rows], obs[rows], goals[rows])
        target = model.normalize_obs(obs[rows])
        baseline.add((_per_channel(mean, target) - target) ** 2)
    return {
        "observation_error": meter.observation_error(),
        "mean_baseline": float((baseline.mean() / variance).mean()),
        "goal_error": meter.goal_error(),
        "pairs": int(len(latents)),
    }


def rollout_starts(steps: int, context: int, horizon: int, per_episode: int) -> np.ndarray:
    """Evenly spaced window indices s whose rollout of `horizon` true actions fits in an episode of `steps` steps
    (the window ends at frame s+k-1 and the rollout at frame s+k-1+horizon <= steps)."""
    last = steps - context + 1 - horizon
    return np.unique(np.linspace(0, last, num=min(per_episode, last + 1)).round().astype(np.int64))


@torch.no_grad()
def imagined_report(
    decoder: LatentDecoder, model, data: DecoderData, episode_latents: Tensor, cfg: DecoderConfig, variance: Tensor
) -> dict[str, Any]:
    """Errors of decoded imagined latents: from held-out windows (episode_latents (E_h, T+2-k, D)), model.rollout
    through the true next actions, decoded at each of cfg.rollout_steps against the observation really reached."""
    k, steps_per_episode = model.context_len, data.actions.shape[1]
    horizon = min(max(cfg.rollout_steps), steps_per_episode - k + 1)
    steps = [s for s in cfg.rollout_steps if s <= horizon]
    if not steps:
        return {"steps": [], "observation_error": [], "goal_error": [], "windows": 0}
    starts = rollout_starts(steps_per_episode, k, horizon, cfg.eval_starts_per_episode)
    local = np.repeat(np.arange(len(data.heldout_episodes)), len(starts))
    episode, start = data.heldout_episodes[local], np.tile(starts, len(data.heldout_episodes))
    meters = {s: ErrorMeter(variance) for s in steps}
    for lo in range(0, len(local), EVAL_ROWS):
        e, s = episode[lo : lo + EVAL_ROWS], start[lo : lo + EVAL_ROWS]
        z0 = episode_latents[local[lo : lo + EVAL_ROWS], s]
        actions = data.actions[e[:, None], s[:, None] + k - 1 + np.arange(horizon)]  # (m, H, A)
        imagined = model.rollout(z0, torch.as_tensor(actions, dtype=torch.float32, device=z0.device)[:, None])[:, 0]
        for step in steps:
            frame = s + k - 1 + step
            meters[step].add(
                decoder, model, imagined[:, step - 1], data.observations[e, frame], data.achieved_goals[e, frame]
            )
    return {
        "steps": steps,
        "observation_error": [meters[s].observation_error() for s in steps],
        "goal_error": [meters[s].goal_error() for s in steps],
        "windows": int(len(local)),
    }


@torch.no_grad()
def decoder_report(
    decoder: LatentDecoder, model, data: DecoderData, cfg: DecoderConfig, moments: tuple[Tensor, Tensor]
) -> dict[str, Any]:
    """The held-out and imagined-rollout errors of a fitted decoder (what decoder.json reports)."""
    k = model.context_len
    heldout = data.heldout_episodes
    episode_latents = encode_episodes(model, data.observations[heldout], data.actions[heldout])
    obs = data.observations[heldout][:, k - 1 :]
    goals = data.achieved_goals[heldout][:, k - 1 :]
    latents = episode_latents.reshape(-1, episode_latents.shape[-1])
    flat_obs, flat_goals = obs.reshape(-1, *obs.shape[2:]), goals.reshape(-1, goals.shape[-1])
    return {
        "train_episodes": int(len(data.train_episodes)),
        "heldout_episodes": int(len(heldout)),
        "heldout": heldout_report(decoder, model, latents, flat_obs, flat_goals, moments),
        "imagined": imagined_report(decoder, model, data, episode_latents, cfg, moments[1]),
    }
