"""Roll candidate action sequences through a model and score them against the goal.

Two concerns live here and nowhere else: chunking the sample axis so the
rollout fits a memory budget, and compiling the rollout+cost step once per
model on CUDA so that many small kernel launches do not dominate.
"""

from __future__ import annotations

import warnings
import weakref
from typing import Any, Callable

import torch
from torch import Tensor

from planner.config import PlannerConfig
from planner.cost import goal_cost

ScoreFn = Callable[[Tensor, Tensor, Tensor], Tensor]

ACTIVATION_FACTOR = 8
"Working floats per latent dimension and step of a rollout (hidden layer, residual, distance) in the estimate."

AUTO_BUDGET_MB = {"cpu": 32.0, "cuda": 4096.0}
"Memory budgets used when the config leaves it to the device."

_COMPILED: "weakref.WeakKeyDictionary[Any, dict[tuple, ScoreFn]]" = weakref.WeakKeyDictionary()


def bytes_per_sample(batch: int, horizon: int, latent_dim: int, action_dim: int) -> int:
    """Estimated rollout memory of one more sample in every episode (fp32)."""
    return 4 * batch * horizon * (action_dim + ACTIVATION_FACTOR * latent_dim)


def chunk_size(
    num_samples: int, batch: int, horizon: int, latent_dim: int, action_dim: int, memory_budget_mb: float
) -> int:
    """Largest sample chunk whose estimated rollout memory fits the budget (at least 1)."""
    per_sample = bytes_per_sample(batch, horizon, latent_dim, action_dim)
    return max(1, min(num_samples, int(memory_budget_mb * 2**20 // per_sample)))


def _eager_score_fn(model: Any, cfg: PlannerConfig) -> ScoreFn:
    def score(z0: Tensor, z_goal: Tensor, actions: Tensor) -> Tensor:
        latents = model.rollout(z0, actions)
        return goal_cost(latents, z_goal, cfg.cost, cfg.running_weight, cfg.terminal_weight, model)

    return score


class _CompiledWithFallback:
    """A torch.compile'd score function that falls back to eager, once and loudly, if compiling fails."""

    def __init__(self, eager: ScoreFn) -> None:
        self.eager = eager
        self.compiled: ScoreFn | None = torch.compile(eager, mode="reduce-overhead", dynamic=False)

    def __call__(self, z0: Tensor, z_goal: Tensor, actions: Tensor) -> Tensor:
        if self.compiled is not None:
            try:
                # CUDA-graph outputs are overwritten by the next replay: keep a copy.
                return self.compiled(z0, z_goal, actions).clone()
            except Exception as exc:  # noqa: BLE001 - any backend failure means: run eager
                warnings.warn(f"planner: torch.compile failed ({type(exc).__name__}); planning eagerly", stacklevel=2)
                self.compiled = None
        return self.eager(z0, z_goal, actions)


def should_compile(cfg: PlannerConfig, device: torch.device) -> bool:
    """'auto' compiles on CUDA only; 'on' and 'off' force it."""
    return cfg.compile == "on" or (cfg.compile == "auto" and device.type == "cuda")


def score_fn(model: Any, cfg: PlannerConfig, device: torch.device) -> ScoreFn:
    """The rollout+cost function for this model and cost setting, compiled once per model when asked."""
    eager = _eager_score_fn(model, cfg)
    if not should_compile(cfg, device):
        return eager
    key = (cfg.cost, cfg.running_weight, cfg.terminal_weight, device.type)
    try:
        cache = _COMPILED.setdefault(model, {})
    except TypeError:  # a model that cannot be weakly referenced: compile without caching
        return _CompiledWithFallback(eager)
    if key not in cache:
        cache[key] = _CompiledWithFallback(eager)
    return cache[key]


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
        self.fn = score_fn(model, cfg, z0.device)

    def __call__(self, pool: Tensor) -> Tensor:
        """Costs (B, N) of every sequence in the pool."""
        num = pool.shape[1]
        if num <= self.chunk:
            return self.fn(self.z0, self.z_goal, pool)
        parts = [self.fn(self.z0, self.z_goal, pool[:, i : i + self.chunk]) for i in range(0, num, self.chunk)]
        return torch.cat(parts, dim=1)

    def latents(self, actions: Tensor) -> Tensor:
        """Imagined latents (B, H, D) of one sequence per episode (B, H, A)."""
        return self.model.rollout(self.z0, actions[:, None])[:, 0]
