"""Refuse a planning request that cannot fit in memory, before any work starts.

plan() holds a few full-size tensors over every sample (the action pool, the
noise, the hashed noise bits) and rolls the model out in chunks of the sample
axis whose size the memory budget sets (planner/scoring.py). An absurd
`--num-samples` would otherwise run until the allocator fails, or swap for hours.
"""

from __future__ import annotations

import torch

from actjepa.common.resources import available_memory_bytes, format_bytes
from actjepa.planner.config import PlannerConfig
from actjepa.planner.errors import PlannerError
from actjepa.planner.scoring import AUTO_BUDGET_MB, bytes_per_sample, chunk_size

POOL_BYTES_PER_ACTION = 4 + 4 + 8 + 8
"Bytes per element of the (B, N, H, A) pool: the pool and the noise (fp32), the noise bits and their mask (int64)."

COST_BYTES_PER_SAMPLE = 4 + 4 + 8
"Bytes per (B, N) entry of the costs, their sorted copy and the sort indices."

MEMORY_HEADROOM = 0.8
"Fraction of the available memory a plan may use; the model, the simulator and the rest need the remainder."


def planning_memory_bytes(
    num_samples: int, horizon: int, batch: int, latent_dim: int, action_dim: int, memory_budget_mb: float
) -> int:
    """Estimated peak bytes of one plan() call over B=batch episodes with N samples of H steps."""
    pool = batch * num_samples * horizon * action_dim * POOL_BYTES_PER_ACTION
    costs = batch * num_samples * COST_BYTES_PER_SAMPLE
    chunk = chunk_size(num_samples, batch, horizon, latent_dim, action_dim, memory_budget_mb)
    rollout = chunk * bytes_per_sample(batch, horizon, latent_dim, action_dim)
    return pool + costs + rollout


def check_planning_memory(
    cfg: PlannerConfig,
    batch: int,
    latent_dim: int,
    action_dim: int,
    device: str | torch.device = "cpu",
    available: int | None = None,
) -> int:
    """Estimated bytes of planning `batch` episodes with `cfg`; PlannerError if they exceed the free memory.

    `available` overrides the measured free memory (bytes); nothing is checked when neither is known.
    """
    device = torch.device(device)
    budget = cfg.memory_budget_mb or AUTO_BUDGET_MB.get(device.type, AUTO_BUDGET_MB["cuda"])
    need = planning_memory_bytes(cfg.num_samples, cfg.horizon, batch, latent_dim, action_dim, budget)
    free = available_memory_bytes(device) if available is None else available
    if free is not None and need > MEMORY_HEADROOM * free:
        raise PlannerError(
            f"planning {batch} episodes x {cfg.num_samples} samples x {cfg.horizon} steps needs about "
            f"{format_bytes(need)} but only {format_bytes(free)} is free on {device.type}; "
            f"lower --num-samples or --batch-size"
        )
    return need
