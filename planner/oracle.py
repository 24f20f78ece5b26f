"""The oracle: the planner's model protocol served by the true simulator.

`benchmarks` builds the two callables from a goal environment; this module
never imports a simulator, so `planner` stays free of MuJoCo. The latent of
the oracle is the achieved goal itself, and the goal latent is the desired
goal, so the planner's L2 cost is the task's goal distance.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import Tensor

from planner.errors import PlannerError

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
