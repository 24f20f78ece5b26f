"""How many samples are rolled out at once, and scoring outside the search round.

The size of the chunks of the sample axis, so that a rollout fits the memory budget, is decided here and nowhere
else; the search round scores its pool in those chunks (planner/search_round.py), and the Scorer scores the few
sequences plan() looks at after the search (the trust region, the chosen plan's latents) the same way.
"""

from __future__ import annotations

from torch import Tensor

from actjepa.planner.config import PlannerConfig
from actjepa.planner.protocol import LatentModel
from actjepa.planner.search_round import chunked, score_fn

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


class Scorer:
    """Scores (B, N, H, A) action pools for fixed start and goal latents, chunked over N."""

    def __init__(self, model: LatentModel, z0: Tensor, z_goal: Tensor, cfg: PlannerConfig, action_dim: int) -> None:
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
