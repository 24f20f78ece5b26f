"""Controllers that read no model: what a task scores when nothing is learned.

`zero` holds the zero action (the resting action of the built-in tasks, whose actuators are torques and
forces; clipped into the action range where zero lies outside it), `random` draws actions uniformly from
the action range. Evaluated on the same held-out episodes as the learned controllers, they show whether a
task is solved by doing nothing or by chance. Their interface is the planner's controllers' (reset, act),
so the evaluation loop, the summaries and the videos treat them like any other controller.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from actjepa.planner import ControllerConfig
from actjepa.planner.controller import ORACLES
from actjepa.planner.noise import NormalStream, check_seeds, episode_keys
from actjepa.planner.plan import action_bounds

TRIVIAL_CONTROLLERS = ("zero", "random")
"The controllers that need no model: the zero action and uniformly random actions."
RUN_ONCE = (*ORACLES, *TRIVIAL_CONTROLLERS)
"Controllers whose episodes do not depend on the training seed (or are costly), run with the first model only."


class TrivialController:
    """The zero action or uniform random actions for B episodes; random draws are seeded per episode."""

    def __init__(self, name: str, action_dim: int, cfg: ControllerConfig) -> None:
        if name not in TRIVIAL_CONTROLLERS:
            raise ValueError(f"{name!r} is not one of {TRIVIAL_CONTROLLERS}")
        self.name, self.action_dim, self.cfg = name, action_dim, cfg
        self.device = torch.device(cfg.device or "cpu")
        self.low, self.high = action_bounds(cfg.planner, action_dim, self.device)
        self._stream: NormalStream | None = None
        self._batch = 0
        self.current_actions: Tensor | None = None
        "The action (B, 1, A) executed at the last step (the videos draw it as the plan)."
        self.executed_from_plan = 0

    def reset(self, obs: Tensor, goal_obs: Tensor, seeds: Sequence[int] | None = None) -> None:
        """Start B episodes; `seeds` (one per episode, default cfg.seed + b) fix each episode's random actions."""
        self._batch = int(obs.shape[0])
        if seeds is None:
            seeds = [self.cfg.seed + b for b in range(self._batch)]
        self._stream = NormalStream(episode_keys(check_seeds(seeds), self.device), (self.action_dim,))
        self.current_actions, self.executed_from_plan = None, 0

    def act(self, obs: Tensor) -> Tensor:
        """The next action (B, A): zero (inside the range), or uniform in [low, high] from each episode's stream."""
        if self._stream is None:
            raise RuntimeError("call reset(obs, goal_obs) before act(obs)")
        if self.name == "zero":
            action = torch.zeros(self._batch, self.action_dim, device=self.device).clamp(self.low, self.high)
        else:
            uniform = torch.special.ndtr(self._stream.draw())  # a standard normal turned uniform in (0, 1)
            action = self.low + uniform * (self.high - self.low)
        self.current_actions, self.executed_from_plan = action[:, None], 1
        return action
