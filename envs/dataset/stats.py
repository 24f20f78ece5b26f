"""Per-dimension normalisation statistics, computed once from training data and saved with a model."""

from __future__ import annotations

import numpy as np

from actjepa.envs.dataset.schema import EpisodeDataset

STD_FLOOR = 1e-3
"""Smallest std for state/action dimensions (constant dimensions divide by this, not by ~0)."""
PIXEL_STD_FLOOR = 1.0
"""Smallest std for pixel channels, in 0..255 units."""


def normalization_stats(dataset: EpisodeDataset, episodes: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """float32 obs_mean/obs_std (per dim, or per channel for pixels) and action_mean/action_std (per dim)."""
    idx = np.arange(dataset.num_episodes) if episodes is None else np.asarray(episodes, dtype=np.int64)
    obs = dataset.observations
    if obs.dtype == np.uint8:  # pixels: per-channel moments accumulated episode by episode (bounded memory)
        total = np.zeros(obs.shape[-1])
        total_sq = np.zeros(obs.shape[-1])
        count = 0
        for e in idx:
            frames = obs[e].reshape(-1, obs.shape[-1]).astype(np.float64)
            total += frames.sum(axis=0)
            total_sq += (frames**2).sum(axis=0)
            count += len(frames)
        obs_mean = total / count
        obs_std = np.sqrt(np.maximum(total_sq / count - obs_mean**2, 0.0))
        obs_std = np.maximum(obs_std, PIXEL_STD_FLOOR)
    else:
        flat = obs[idx].reshape(-1, *obs.shape[2:]).astype(np.float64)
        obs_mean, obs_std = flat.mean(axis=0), np.maximum(flat.std(axis=0), STD_FLOOR)
    actions = dataset.actions[idx].reshape(-1, dataset.actions.shape[-1]).astype(np.float64)
    return {
        "obs_mean": obs_mean.astype(np.float32),
        "obs_std": obs_std.astype(np.float32),
        "action_mean": actions.mean(axis=0).astype(np.float32),
        "action_std": np.maximum(actions.std(axis=0), STD_FLOOR).astype(np.float32),
    }
