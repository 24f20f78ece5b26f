"""The data a latent decoder is fitted and measured on, its latents, and per-dimension statistics.

Errors are reported normalised per dimension (per state dimension, or per colour channel of frames): the mean
squared error in the world model's normalised units divided by that dimension's variance over the training
episodes, so 1.0 is about what always predicting the mean scores. Shapes: E episodes, T steps, k context, D
latent dims, G goal dims.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

ENCODE_EPISODES = 16
"Episodes encoded per batch (bounded memory for pixel data)."
EVAL_ROWS = 512
"Observations decoded per batch while measuring errors."


@dataclass(frozen=True)
class DecoderData:
    """Episodes a decoder learns from, in raw units, and which of them are held out to measure it."""

    observations: np.ndarray
    "(E, T+1, *obs) float32 states or uint8 pixels."
    actions: np.ndarray
    "(E, T, A) actions; actions[:, t] follows observations[:, t]."
    achieved_goals: np.ndarray
    "(E, T+1, G) achieved goal at every observation."
    train_episodes: np.ndarray
    "Indices of the episodes the decoder is fitted on."
    heldout_episodes: np.ndarray
    "Indices of the episodes it is measured on (at least one)."


@torch.no_grad()
def encode_episodes(model, observations: np.ndarray, actions: np.ndarray) -> Tensor:
    """Latent of every context window: (E, T+1, *obs), (E, T, A) -> (E, T+2-k, D); window j ends at frame j+k-1."""
    parts = []
    for lo in range(0, len(observations), ENCODE_EPISODES):
        obs_n = model.normalize_obs(observations[lo : lo + ENCODE_EPISODES])
        act_n = model.normalize_actions(actions[lo : lo + ENCODE_EPISODES])
        parts.append(model.inference_encoder.encode_windows(obs_n, act_n))
    return torch.cat(parts)


class DimensionSums:
    """Running per-dimension sums of values (M, obs_dim), or of frames (M, 3, H, W) per colour channel."""

    def __init__(self) -> None:
        self.total: Tensor | float = 0.0
        self.count = 0

    def add(self, values: Tensor) -> None:
        dims = (0, 2, 3) if values.dim() == 4 else (0,)
        self.total = self.total + values.sum(dims)
        self.count += values.numel() // values.shape[1]

    def mean(self) -> Tensor:
        return self.total / max(self.count, 1)


@torch.no_grad()
def target_moments(model, observations: np.ndarray) -> tuple[Tensor, Tensor]:
    """Per-dimension mean and variance (floored at 1e-6) of raw observations (M, *obs) in normalised units."""
    first, second = DimensionSums(), DimensionSums()
    for lo in range(0, len(observations), EVAL_ROWS):
        x = model.normalize_obs(observations[lo : lo + EVAL_ROWS])
        first.add(x)
        second.add(x**2)
    mean = first.mean()
    return mean, (second.mean() - mean**2).clamp_min(1e-6)
