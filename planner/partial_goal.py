"""Goals that constrain only part of an observation.

A goal observation may fix every entry of a state while the task judges a few: in OGBench's cube tasks the goal
observation holds an arm pose set after random steps, while success checks only the cube's position. Planning
toward the whole goal latent then chases that arbitrary pose. PartialGoalController hands its inner controller,
at every step, the current observation with only the task's goal entries replaced by the goal's: the part of the
goal the task does not judge is wherever the agent already is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor

from actjepa.planner.errors import PlannerError

PARTIAL_PREFIX = "partial:"
"A controller named partial:<name> is <name> handed goals composed of the current state and the goal's entries."


def composed_goal(obs: Tensor, goal_obs: Tensor, goal_dims: Tensor) -> Tensor:
    """Observations (B, D) with entries goal_dims (K,) taken from goal observations (B, D)."""
    goal = obs.clone()
    goal[:, goal_dims] = goal_obs[:, goal_dims]
    return goal


class PartialGoalController:
    """Wraps a controller of flat state observations (B, D): its goal is recomposed from each new observation."""

    def __init__(self, inner: Any, goal_dims: Sequence[int]) -> None:
        if not goal_dims:
            raise PlannerError("a partial goal needs at least one observation entry that the goal constrains")
        self.inner = inner
        self.goal_dims = torch.as_tensor(list(goal_dims), dtype=torch.long, device=inner.device)
        self.name = f"{PARTIAL_PREFIX}{inner.name}"
        self.goal_obs: Tensor | None = None

    @property
    def cfg(self) -> Any:
        return self.inner.cfg

    @property
    def device(self) -> torch.device:
        return self.inner.device

    def _check(self, obs: Tensor) -> None:
        if obs.dim() != 2 or int(self.goal_dims.max()) >= obs.shape[1]:
            raise PlannerError(
                f"partial goals need flat observations with entries {self.goal_dims.tolist()}, got shape "
                f"{tuple(obs.shape)}; use the controller without the {PARTIAL_PREFIX} prefix"
            )

    def reset(self, obs: Tensor, goal_obs: Tensor, seeds: Sequence[int] | None = None) -> None:
        """Start B episodes from observations (B, D) towards the goal entries of goal observations (B, D)."""
        obs, goal_obs = self.inner._tensor(obs), self.inner._tensor(goal_obs)
        self._check(obs)
        self.goal_obs = goal_obs
        self.inner.reset(obs, composed_goal(obs, goal_obs, self.goal_dims), seeds)

    def act(self, obs: Tensor) -> Tensor:
        """The inner controller's next action (B, A), its goal composed from this observation (B, D)."""
        if self.goal_obs is None:
            raise PlannerError("call reset(obs, goal_obs) before act(obs)")
        obs = self.inner._tensor(obs)
        self.inner.set_goal(composed_goal(obs, self.goal_obs, self.goal_dims))
        return self.inner.act(obs)
