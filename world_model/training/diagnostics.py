"""Open-loop latent prediction error on held-out episodes, against a copy-last-latent baseline."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.errors import WorldModelError


def _start_times(k: int, steps: int, horizon: int, per_episode: int) -> np.ndarray:
    """Evenly spaced times t (index of the last context observation) whose future fits the episode."""
    last = steps - horizon
    if last < k - 1:
        raise WorldModelError(
            f"episodes of {steps} steps are too short for context {k} plus horizon {horizon}; lower the horizon"
        )
    return np.unique(np.linspace(k - 1, last, num=min(per_episode, last - k + 2)).round().astype(np.int64))


def _check_open_loop_data(observations: np.ndarray, actions: np.ndarray) -> None:
    """One-line errors for misshapen or empty held-out data."""
    if observations.ndim < 3 or actions.ndim != 3 or observations.shape[:2] != (actions.shape[0], actions.shape[1] + 1):
        raise WorldModelError(
            "open-loop data must be observations (E, T+1, *obs) and actions (E, T, A), "
            f"got {observations.shape} and {actions.shape}"
        )
    if observations.shape[0] == 0:
        raise WorldModelError(
            "open-loop evaluation needs at least one held-out episode; "
            "lower the validation fraction only if you have more data"
        )


def _chunk_error(model: ActJepa, z: torch.Tensor, z_goal: torch.Tensor, true_n: torch.Tensor) -> torch.Tensor:
    """Mean |head chunk - actions taken| per window: latents (m, D), goals (m, D), actions (m, C, A) -> (m,)."""
    chunk_n, _ = model.head(z, z_goal, predict_latents=False)
    return (chunk_n - true_n).abs().flatten(1).mean(dim=1)


@torch.no_grad()
def open_loop_error(
    model: ActJepa,
    observations: np.ndarray,
    actions: np.ndarray,
    horizon: int,
    starts_per_episode: int = 8,
    chunk: int = 256,
) -> dict[str, Any]:
    """Latent error of open-loop predictor rollouts vs rollout step, normalised by latent spread.

    observations (E, T+1, *obs) and actions (E, T, A) in raw units. For evenly spaced start
    times of every episode, the model encodes the context window, rolls the predictor through
    the true next `horizon` actions, and compares each predicted latent with the encoding of
    the observation actually reached (with `inference_encoder`, as the planner sees it). The
    copy-last baseline predicts that the latent never changes. Errors are mean Euclidean
    distances divided by the mean distance between latents of random pairs of windows, so
    models with different latent scales compare (1.0 = no better than a random latent).
    Where the horizon covers the head's chunk, the head also predicts each window's chunk toward the
    episode's last observation, and "action_error" is its mean absolute error in normalised action units:
    the training log's "action" term on held-out data, so a gap between the two shows memorisation.
    Returns horizon steps, model and copy_last errors (lists), the scale and the window count.
    """
    observations, actions = np.asarray(observations), np.asarray(actions)
    _check_open_loop_data(observations, actions)
    k = model.context_len
    starts = _start_times(k, actions.shape[1], horizon, starts_per_episode)
    ep = np.repeat(np.arange(observations.shape[0]), len(starts))
    t = np.tile(starts, observations.shape[0])
    frame_idx = t[:, None] + np.arange(-k + 1, horizon + 1)  # (M, k+H)
    model.eval()
    c = model.chunk_len if horizon >= model.chunk_len else 0
    latents, preds, action_errors = [], [], []
    for lo in range(0, len(ep), chunk):  # bounded memory for pixels; one batch for typical state data
        e, f = ep[lo : lo + chunk, None], frame_idx[lo : lo + chunk]
        obs_n = model.normalize_obs(observations[e, f])
        act_n = model.normalize_actions(actions[e, f[:, :-1]])
        lat = model.inference_encoder.encode_windows(obs_n, act_n)  # (m, H+1, D)
        preds.append(model.predictor.rollout(lat[:, 0], act_n[:, k - 1 : k - 1 + horizon]))
        latents.append(lat)
        if c:
            goals = model.encode_goal(observations[e[:, 0], -1])
            action_errors.append(_chunk_error(model, lat[:, 0], goals, act_n[:, k - 1 : k - 1 + c]))
    lat, pred = torch.cat(latents), torch.cat(preds)
    future = lat[:, 1:]
    model_err = (pred - future).norm(dim=-1).mean(dim=0)
    copy_err = (lat[:, :1] - future).norm(dim=-1).mean(dim=0)
    z0 = lat[:, 0]
    scale = float(torch.cdist(z0, z0).sum() / max(z0.shape[0] * (z0.shape[0] - 1), 1))
    scale = scale if scale > 1e-12 else 1.0
    out = {
        "horizon": list(range(1, horizon + 1)),
        "model": (model_err / scale).cpu().tolist(),
        "copy_last": (copy_err / scale).cpu().tolist(),
        "scale": scale,
        "num_windows": int(len(ep)),
    }
    if action_errors:
        out["action_error"] = float(torch.cat(action_errors).mean())
    return out


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Rank correlation of two 1-D arrays (average ranks for ties); nan when either is constant."""
    from scipy.stats import spearmanr

    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


@torch.no_grad()
def goal_calibration(
    model: ActJepa,
    observations: np.ndarray,
    goal_observations: np.ndarray,
    true_distance: np.ndarray,
    steps_to_go: np.ndarray | None = None,
    max_points: int = 4000,
) -> dict[str, Any]:
    """How well latent distance (and the learned value) rank states by their true distance to the goal.

    observations (E, T+1, *obs), goal_observations (E, *obs), true_distance (E, T+1) task-space
    goal distance; steps_to_go (E, T+1) optional steps until the demonstration first reached the
    goal (negative where it never did). Returns Spearman correlations and a subsample of points
    (for the scatter plot). Uses context length 1 windows (the encoder repeats the frame), so it
    reads every state without needing its history.
    """
    e, t = true_distance.shape
    rng = np.random.default_rng(0)
    pick = rng.choice(e * t, size=min(max_points, e * t), replace=False)
    ep, step = pick // t, pick % t
    obs = np.asarray(observations)[ep, step]
    z = model.encode_goal(obs)  # one frame repeated k times: the state without its history
    g = model.encode_goal(np.asarray(goal_observations)[ep])
    latent = (z - g).norm(dim=-1).cpu().numpy()
    truth = np.asarray(true_distance)[ep, step]
    out: dict[str, Any] = {
        "points": int(len(pick)),
        "latent_l2_spearman": _spearman(latent, truth),
        "true_distance": truth.tolist(),
        "latent_l2": latent.tolist(),
    }
    if getattr(model, "has_value", False):
        value = model.value(z, g).cpu().numpy()
        out["value_spearman"] = _spearman(value, truth)
        out["value"] = value.tolist()
    if steps_to_go is not None:
        togo = np.asarray(steps_to_go)[ep, step]
        ok = togo >= 0
        out["latent_l2_steps_spearman"] = _spearman(latent[ok], togo[ok])
        if "value" in out:
            out["value_steps_spearman"] = _spearman(np.asarray(out["value"])[ok], togo[ok])
    return out
