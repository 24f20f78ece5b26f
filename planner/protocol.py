"""The planner's view of a world model: a few batched verbs, nothing else.

The planner never imports a model package; any object with these methods
(the ACT-JEPA model, the behaviour-cloning baseline, the simulator oracle,
an analytic test model) can be planned with.

Shapes: B episodes, N samples, H horizon, A action dims, D latent dims,
k context length.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from torch import Tensor


@runtime_checkable
class LatentModel(Protocol):
    """A controllable latent dynamics model."""

    def encode(self, obs: Tensor, actions: Tensor | None = None) -> Tensor:
        """Embed an observation history (B, k, *obs) and the k-1 actions between
        its observations (B, k-1, A) into the current latent (B, D)."""
        ...

    def encode_goal(self, goal_obs: Tensor) -> Tensor:
        """Embed one goal observation per episode (B, *obs) into a goal latent (B, D)."""
        ...

    def step(self, z: Tensor, a: Tensor) -> Tensor:
        """One latent transition: (..., D), (..., A) -> (..., D)."""
        ...

    def rollout(self, z0: Tensor, actions: Tensor) -> Tensor:
        """Roll (B, D) latents through (B, N, H, A) action sequences -> (B, N, H, D),
        the latents after each action."""
        ...


@runtime_checkable
class ActionPrior(Protocol):
    """A policy that proposes an action sequence for planning to start from."""

    def action_prior(self, z: Tensor, z_goal: Tensor, horizon: int) -> tuple[Tensor, Tensor]:
        """Mean and standard deviation of an action sequence, each (B, H, A)."""
        ...


@runtime_checkable
class EncodingPrior(ActionPrior, Protocol):
    """An action prior with encoders of its own (e.g. a behaviour-cloning model beside the planning model)."""

    def encode(self, obs: Tensor, actions: Tensor | None = None) -> Tensor:
        """Embed an observation history (B, k, *obs) and its k-1 actions (B, k-1, A) into its latent (B, D)."""
        ...

    def encode_goal(self, goal_obs: Tensor) -> Tensor:
        """Embed goal observations (B, *obs) into its goal latent (B, D)."""
        ...


@runtime_checkable
class Policy(Protocol):
    """A policy that acts without search: the 'policy' controller."""

    def act(self, obs: Tensor, goal_obs: Tensor, actions: Tensor | None = None) -> Tensor:
        """An action chunk (B, C, A) for an observation history (B, k, *obs), goal observations (B, *obs) and the
        k-1 actions of the history (B, k-1, A)."""
        ...


@runtime_checkable
class GoalValue(Protocol):
    """A learned estimate of the steps to the goal, for the 'value' cost."""

    def value(self, latents: Tensor, z_goal: Tensor) -> Tensor:
        """Estimated steps to the goal (B, ...) of latents (B, ..., D), for goal latents (B, D)."""
        ...
