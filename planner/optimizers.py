"""The shared refit step of CEM and MPPI: pick elites, weight them, take moments.

CEM weights its elites uniformly; MPPI weights them by a softmax of their
cost (TD-MPC2 applies MPPI to the elite set the same way). With
num_elites = num_samples MPPI is the classic all-sample update.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass
class EliteSet:
    """The best sequences of one round."""

    actions: Tensor
    "Elite action sequences (B, E, H, A), best first."
    costs: Tensor
    "Their costs (B, E), ascending."


def select_elites(pool: Tensor, costs: Tensor, num_elites: int) -> EliteSet:
    """The num_elites lowest-cost sequences of pool (B, N, H, A) with costs (B, N)."""
    elite_costs, index = torch.topk(costs, num_elites, dim=1, largest=False, sorted=True)
    batch, _, horizon, action_dim = pool.shape
    gather_index = index[:, :, None, None].expand(batch, num_elites, horizon, action_dim)
    return EliteSet(actions=torch.gather(pool, 1, gather_index), costs=elite_costs)


def elite_weights(elites: EliteSet, method: str, temperature: float) -> Tensor:
    """Weights (B, E) summing to one per episode.

    MPPI's temperature is relative to the spread of the elite costs, so the
    same value works for latents of any scale.
    """
    costs = elites.costs
    if method == "cem":
        return torch.full_like(costs, 1.0 / costs.shape[1])
    spread = (costs[:, -1:] - costs[:, :1]).clamp_min(1e-12)
    return torch.softmax((costs[:, :1] - costs) / (temperature * spread), dim=1)


def refit(elites: EliteSet, weights: Tensor) -> tuple[Tensor, Tensor]:
    """Weighted mean and std (B, H, A) of the elite sequences."""
    w = weights[:, :, None, None]
    mean = (w * elites.actions).sum(dim=1)
    var = (w * (elites.actions - mean[:, None]).square()).sum(dim=1)
    return mean, var.sqrt_()
