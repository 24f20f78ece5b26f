"""Goal costs: how far an imagined latent trajectory stays from the goal latent."""

from __future__ import annotations

import torch
from torch import Tensor


def goal_cost(latents: Tensor, z_goal: Tensor, kind: str = "l2", running_weight: float = 0.5,
              terminal_weight: float = 1.0) -> Tensor:
    """Cost (B, N) of latents (B, N, H, D) against goal latents (B, D).

    running_weight scales the mean distance over all H steps (reaching the goal
    early is better, as in the fixed-length episodes being scored), and
    terminal_weight the distance after the last step. kind is 'l2' (Euclidean
    distance) or 'l1' (sum of absolute differences).
    """
    diff = latents - z_goal[:, None, None, :]
    if kind == "l2":
        dist = torch.linalg.vector_norm(diff, dim=-1)
    else:
        dist = diff.abs_().sum(dim=-1)
    cost = dist[..., -1] * terminal_weight
    if running_weight:
        cost = cost + dist.mean(dim=-1) * running_weight
    return cost
