"""The oracle: the planner's model protocol served by the true simulator.

`benchmarks` builds the two callables from a goal environment; this module
never imports a simulator, so `planner` stays free of MuJoCo. The latent of
the oracle is the achieved goal itself, and the goal latent is the desired
goal, so the planner's L2 cost is the task's goal distance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
import torch
from torch import Tensor

from actjepa.planner.errors import PlannerError
from actjepa.planner.protocol import GoalValue, LatentModel

SimulateFn = Callable[[np.ndarray], np.ndarray]
GoalFn = Callable[[], np.ndarray]


class SimulatorModel:
    """Plans with the real simulator: rollout runs every candidate sequence from the current state.

    simulate: actions (B, N, H, A) -> achieved goals (B, N, H, G), from each
    episode's current simulator state, without changing it.
    goal: () -> desired goals (B, G) of the current episodes.
    """

    context_len = 1
    "The oracle needs no observation history."

    def __init__(self, simulate: SimulateFn, goal: GoalFn, action_dim: int | None = None) -> None:
        self.simulate = simulate
        self.goal = goal
        self.action_dim = action_dim

    def encode(self, obs: Tensor, actions: Tensor | None = None) -> Tensor:
        """A placeholder latent (B, 1): the true state stays inside the simulator."""
        return torch.zeros(obs.shape[0], 1, device=obs.device)

    def encode_goal(self, goal_obs: Tensor) -> Tensor:
        """The desired goal (B, G) from the simulator side, on goal_obs's device."""
        goal = np.asarray(self.goal(), dtype=np.float32)
        if goal.ndim != 2 or goal.shape[0] != goal_obs.shape[0]:
            raise PlannerError(f"oracle goal() returned shape {goal.shape}, expected ({goal_obs.shape[0]}, G)")
        return torch.from_numpy(goal).to(goal_obs.device)

    def step(self, z: Tensor, a: Tensor) -> Tensor:
        """Not available: the simulator rolls whole sequences from its current state."""
        raise PlannerError("the oracle cannot step single latents; plan with rollout (the planner does)")

    def rollout(self, z0: Tensor, actions: Tensor) -> Tensor:
        """Achieved goals (B, N, H, G) after each action of every sequence, from the simulator."""
        array = actions.detach().to("cpu", torch.float64).numpy()
        goals = np.asarray(self.simulate(array), dtype=np.float32)
        if goals.shape[:3] != array.shape[:3]:
            raise PlannerError(f"oracle simulate() returned shape {goals.shape}, expected {array.shape[:3]} + (G,)")
        return torch.from_numpy(goals).to(actions.device)


ObserveFn = Callable[[np.ndarray], np.ndarray]


class EncodedSimulatorModel:
    """The oracle's true dynamics scored in a learned model's space: 'oracle+cost'.

    observe: actions (B, N, H, A) -> true state observations (B, N, H, *obs) from each episode's
    current simulator state. Every observation is encoded by `encoder_model` (one frame as its
    context), and the goal by its encode_goal, so the planner's cost (latent L2, cosine or the
    learned value) is exactly the one the learned planners use, on perfect predictions. Set
    beside the plain oracle it splits a planner's failures into model error (this succeeds,
    the learned planner does not) and cost error (this fails as well).
    """

    context_len = 1

    def __init__(self, observe: ObserveFn, encoder_model: LatentModel, action_dim: int | None = None) -> None:
        self.observe = observe
        self.encoder_model = encoder_model
        self.action_dim = action_dim
        self.has_value = bool(getattr(encoder_model, "has_value", False))

    def encode(self, obs: Tensor, actions: Tensor | None = None) -> Tensor:
        """A placeholder latent (B, 1): the true state stays inside the simulator."""
        return torch.zeros(obs.shape[0], 1, device=obs.device)

    def encode_goal(self, goal_obs: Tensor) -> Tensor:
        """The learned goal latent (B, D)."""
        return self.encoder_model.encode_goal(goal_obs)

    def step(self, z: Tensor, a: Tensor) -> Tensor:
        raise PlannerError("the oracle cannot step single latents; plan with rollout (the planner does)")

    def rollout(self, z0: Tensor, actions: Tensor) -> Tensor:
        """Learned latents (B, N, H, D) of the true observations after each action."""
        array = actions.detach().to("cpu", torch.float64).numpy()
        obs = np.asarray(self.observe(array))
        if obs.shape[:3] != array.shape[:3]:
            raise PlannerError(f"oracle observe() returned shape {obs.shape}, expected {array.shape[:3]} + obs shape")
        lead = obs.shape[:3]
        frames = torch.from_numpy(obs.reshape(-1, *obs.shape[3:])).to(actions.device)
        latents = self.encoder_model.encode_goal(frames)  # one frame repeated as its own context
        return latents.reshape(*lead, -1)

    def value(self, latents: Tensor, z_goal: Tensor) -> Tensor:
        """The learned model's steps-to-goal (the 'value' cost asks only when has_value says it has them)."""
        return cast(GoalValue, self.encoder_model).value(latents, z_goal)
