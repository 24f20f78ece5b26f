"""The static description of a goal-conditioned task."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskSpec:
    """What a task looks like from the outside: shapes, horizon and success rule."""

    name: str
    """Registered task name, e.g. "reacher"."""
    obs_shape: tuple[int, ...]
    """Shape of one state-mode observation (pixels are always (64, 64, 3) uint8)."""
    action_dim: int
    """Number of action dimensions A; actions live in [action_low, action_high]."""
    goal_dim: int
    """Number of goal dimensions G (achieved_goal and desired_goal)."""
    success_radius: float
    """An episode step counts as a success when the goal distance is below this."""
    max_episode_steps: int
    """Fixed episode length T; episodes never terminate early."""
    description: str
    """One sentence on what the agent controls and what the goal is."""
    success_rule: str
    """The success rule in words, as printed by `actjepa tasks`."""
    goal_obs_dims: tuple[int, ...] | None = None
    """Entries of a state observation that a goal observation constrains, where the task judges only these and
    the rest of a goal observation is arbitrary (OGBench cube: the cube's xyz); None: the whole observation."""
