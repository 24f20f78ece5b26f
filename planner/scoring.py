"""Roll candidate action sequences through a model and score them against the goal.

Chunking the sample axis so that the rollout fits a memory budget lives here
and nowhere else (compiling it: planner/compilation.py).
"""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch import Tensor

from actjepa.planner.config import PlannerConfig
from actjepa.planner.cost import goal_cost

ScoreFn = Callable[[Tensor, Tensor, Tensor], Tensor]

ACTIVATION_FACTOR = 8
"Working floats per latent dimension and step of a rollout (hidden layer, residual, distance) in the estimate."

AUTO_BUDGET_MB = {"cpu": 32.0, "cuda": 4096.0}
"Memory budgets used when the config leaves it to the device."


def bytes_per_sample(batch: int, horizon: int, latent_dim: int, action_dim: int) -> int:
    """Estimated rollout memory of one more sample in every episode (fp32)."""
    return 4 * batch * horizon * (action_dim + ACTIVATION_FACTOR * latent_dim)


def chunk_size(
    num_samples: int, batch: int, horizon: int, latent_dim: int, action_dim: int, memory_budget_mb: float
) -> int:
    """Sample chunk whose estimated rollout memory fits the budget (at least 1), balanced: the fewest chunks
    that fit, of equal size, so that padding the last one to the same shape (chunked()) costs at most one
    sample per chunk."""
    per_sample = bytes_per_sample(batch, horizon, latent_dim, action_dim)
    largest = max(1, min(num_samples, int(memory_budget_mb * 2**20 // per_sample)))
    return -(-num_samples // -(-num_samples // largest))


def score_fn(model: Any, cfg: PlannerConfig) -> ScoreFn:
    """The eager rollout+cost function: costs (B, N) of (B, N, H, A) actions from z0 (B, D) to z_goal (B, D')."""

    def score(z0: Tensor, z_goal: Tensor, actions: Tensor) -> Tensor:
        latents = model.rollout(z0, actions)
        return goal_cost(latents, z_goal, cfg.cost, cfg.running_weight, cfg.terminal_weight, model)

    return score


def chunked(
    score: Callable[[Tensor, Tensor, Tensor], Tensor], chunk: int
) -> Callable[[Tensor, Tensor, Tensor], Tensor]:
    """Costs (B, N) of a (B, N, H, A) pool scored `chunk` samples at a time; a short last chunk is padded
    to the full chunk, so a compiled `score` sees one shape only."""

    def score_pool(z0: Tensor, z_goal: Tensor, pool: Tensor) -> Tensor:
        num = pool.shape[1]
        if num <= chunk:
            return score(z0, z_goal, pool)
        parts = []
        for start in range(0, num, chunk):
            part = pool[:, start : start + chunk]
            if part.shape[1] < chunk:
                pad = part.new_zeros(part.shape[0], chunk - part.shape[1], *part.shape[2:])
                part = torch.cat([part, pad], dim=1)
            parts.append(score(z0, z_goal, part))
        return torch.cat(parts, dim=1)[:, :num]

    return score_pool


class Scorer:
    """Scores (B, N, H, A) action pools for fixed start and goal latents, chunked over N."""

    def __init__(self, model: Any, z0: Tensor, z_goal: Tensor, cfg: PlannerConfig, action_dim: int) -> None:
        self.model = model
        self.z0 = z0
        self.z_goal = z_goal
        self.cfg = cfg
        batch, latent_dim = z0.shape[0], max(z0.shape[-1], z_goal.shape[-1])
        budget = cfg.memory_budget_mb or AUTO_BUDGET_MB.get(z0.device.type, AUTO_BUDGET_MB["cuda"])
        self.chunk = chunk_size(cfg.num_samples, batch, cfg.horizon, latent_dim, action_dim, budget)
        self.fn = score_fn(model, cfg)

    def __call__(self, pool: Tensor) -> Tensor:
        """Costs (B, N) of every sequence in the pool."""
        return chunked(self.fn, self.chunk)(self.z0, self.z_goal, pool)

    def latents(self, actions: Tensor) -> Tensor:
        """Imagined latents (B, H, D) of one sequence per episode (B, H, A)."""
        return self.model.rollout(self.z0, actions[:, None])[:, 0]
