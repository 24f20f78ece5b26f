"""One refinement round of the search as a single function of tensors: sample, score, select, refit.

Being one function of tensors (no Python state) lets torch.compile turn the whole round, the rollout
through the model included, into one graph (planner/compilation.py); eagerly it is the same code.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch import Tensor

from actjepa.planner.compilation import compiled_or_eager
from actjepa.planner.config import PlannerConfig
from actjepa.planner.optimizers import elite_weights, refit, select_elites
from actjepa.planner.scoring import chunked, score_fn

StepFn = Callable[..., tuple[Tensor, Tensor, Tensor, Tensor, Tensor]]


def prior_deviation(pool: Tensor, prior_mean: Tensor, prior_std: Tensor) -> Tensor:
    """Mean squared deviation (B, N) of pool (B, N, H, A) from the prior mean (B, H, A), in prior stds."""
    z = (pool - prior_mean[:, None]) / prior_std[:, None].clamp_min(1e-6)
    return z.pow(2).mean(dim=(-1, -2))


def _round(score_pool: Callable[[Tensor, Tensor, Tensor], Tensor], cfg: PlannerConfig) -> StepFn:
    """The round function around a pool scorer."""

    def step(
        z0: Tensor,
        z_goal: Tensor,
        noise: Tensor,
        prior_rows: Tensor,
        mean: Tensor,
        std: Tensor,
        low: Tensor,
        high: Tensor,
        prior_mean: Tensor | None,
        prior_std: Tensor | None,
    ) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        """Elite actions (B, E, H, A) and costs (B, E), the refitted mean and std (B, H, A), and whether
        every cost was finite, for noise (B, N - P, H, A) around mean/std and the P fixed prior rows."""
        samples = torch.clamp(noise * std[:, None] + mean[:, None], min=low, max=high)
        pool = torch.cat([prior_rows, samples], dim=1)
        costs = score_pool(z0, z_goal, pool)
        if cfg.prior_penalty and prior_mean is not None:
            costs = costs + cfg.prior_penalty * prior_deviation(pool, prior_mean, prior_std)
        elites = select_elites(pool, costs, cfg.num_elites)
        new_mean, new_std = refit(elites, elite_weights(elites, cfg.method, cfg.temperature))
        if cfg.momentum:
            new_mean = cfg.momentum * mean + (1 - cfg.momentum) * new_mean
        return elites.actions, elites.costs, new_mean, new_std.clamp(cfg.min_std, cfg.max_std), costs.isfinite().all()

    return step


def search_step(model: Any, cfg: PlannerConfig, chunk: int, device: torch.device) -> StepFn:
    """The round function for this model and config, compiled where it pays: the whole round as one graph
    when the pool is scored in one piece, else one chunk's rollout and cost (the chunk loop stays in Python,
    so the graph does not grow with N / chunk)."""
    if cfg.num_samples <= chunk:
        build = lambda: _round(score_fn(model, cfg), cfg)  # noqa: E731
        return compiled_or_eager(model, cfg, device, ("round", repr(cfg)), build)
    score = compiled_or_eager(model, cfg, device, ("score", repr(cfg), chunk), lambda: score_fn(model, cfg))
    return _round(chunked(score, chunk), cfg)
