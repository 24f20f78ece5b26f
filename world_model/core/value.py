"""Goal-conditioned value: V(z, z_goal) estimates the control steps from latent z to the goal latent.

A latent distance to the goal cannot see walls or contact: on the maze the straight line runs
into the wall, on push the puck only moves once the pusher is behind it. A temporal distance
learned from the demonstrations' own timing can. Training pairs come from the same episodes as
the windows: a state at time t and a hindsight goal at time t_g >= t of the same episode give
the target d = t_g - t, an upper bound on the shortest way there (the demonstration may have
wandered or, having reached the goal early, stood still). A low expectile of these targets
estimates the shortest of them, which is what a planner wants to minimise.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from actjepa.world_model.core.config import ModelConfig


class GoalValue(nn.Module):
    """MLP on (z, g, z - g) with a softplus output: steps to go, >= 0."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        d, h = cfg.latent_dim, cfg.value_hidden
        self.scale = float(cfg.value_scale)
        self.net = nn.Sequential(nn.Linear(3 * d, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU(), nn.Linear(h, 1))

    def units(self, z: Tensor, z_goal: Tensor) -> Tensor:
        """Value in units of value_scale steps: z (..., D), z_goal broadcastable to it -> (...)."""
        z_goal = z_goal.expand_as(z)
        return F.softplus(self.net(torch.cat([z, z_goal, z - z_goal], dim=-1))).squeeze(-1)

    def forward(self, z: Tensor, z_goal: Tensor) -> Tensor:
        """Estimated steps from z to z_goal: (..., D), broadcastable (..., D) -> (...)."""
        return self.units(z, z_goal) * self.scale


def expectile_errors(pred: Tensor, target: Tensor, expectile: float) -> Tensor:
    """Asymmetric squared error per element: weight `expectile` where pred < target, 1 - expectile where above."""
    diff = target - pred
    weight = torch.where(diff > 0, expectile, 1.0 - expectile)
    return weight * diff.pow(2)


def expectile_loss(pred: Tensor, target: Tensor, expectile: float) -> Tensor:
    """Mean asymmetric squared error (expectile_errors).

    Below 0.5 the minimiser is a low expectile of the targets, i.e. close to the shortest observed
    time to the goal when the relabelled times are upper bounds.
    """
    return expectile_errors(pred, target, expectile).mean()
