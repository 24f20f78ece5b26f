"""Refuse a planning request that cannot fit in memory, before any work starts.

plan() holds a few full-size tensors over every sample (the action pool, the
noise, the hashed noise bits) and rolls the model out in chunks of the sample
axis whose size the memory budget sets (planner/scoring.py). An absurd
`--num-samples` would otherwise run until the allocator fails, or swap for hours.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

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


def available_memory_bytes(device: str | torch.device = "cpu") -> int | None:
    """Free memory on `device`: MemAvailable (or free pages) for the CPU, the CUDA allocator's free bytes; None if
    unknown."""
    device = torch.device(device)
    if device.type == "cuda":
        try:
            return int(torch.cuda.mem_get_info(device)[0])
        except (RuntimeError, AssertionError):
            return None
    if device.type != "cpu":
        return None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def format_bytes(count: float) -> str:
    """1536 -> '1.5 KiB'; for messages."""
    units = ("B", "KiB", "MiB", "GiB", "TiB")
    power = 0
    while count >= 1024 and power < len(units) - 1:
        count, power = count / 1024, power + 1
    return f"{int(count)} B" if power == 0 else f"{count:.1f} {units[power]}"


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
