"""The on-disk layout of a demonstration dataset (HDF5) and its in-memory form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

SCHEMA_VERSION = 1
"""Bumped whenever the file layout changes; loading another version is an error."""

EPISODE_ARRAYS = (
    "observations",
    "actions",
    "goal_observations",
    "desired_goals",
    "achieved_goals",
    "successes",
    "episode_seeds",
)
"""HDF5 datasets, each with the episode index as its first (resizable) axis."""

META_KEYS = ("schema_version", "task", "obs_mode", "source", "noise", "seed", "package_version")
"""Required file attributes."""


@dataclass
class EpisodeDataset:
    """E demonstration episodes of T steps, fully loaded into memory."""

    observations: np.ndarray
    """(E, T+1, *obs) float32 states or uint8 pixels."""
    actions: np.ndarray
    """(E, T, A) float32; actions[:, t] is taken right after observations[:, t]."""
    goal_observations: np.ndarray
    """(E, *obs) an observation of a state that satisfies each episode's goal (goal-free data: its final one)."""
    desired_goals: np.ndarray
    """(E, G) float32 goals, or (E, T+1, G) for goal-free data: the goal the collecting agent pursued at each
    observation (play data moves from goal to goal, so an episode has no single desired goal)."""
    achieved_goals: np.ndarray
    """(E, T+1, G) float32 achieved goal at every observation."""
    successes: np.ndarray
    """(E, T+1) bool success at every observation."""
    episode_seeds: np.ndarray
    """(E,) int64 seed that produced each episode's start and goal."""
    meta: dict[str, Any] = field(default_factory=dict)
    """File attributes: schema_version, task, obs_mode, source, noise, seed, package_version, ..."""
    sha256: str = ""
    """Hex SHA-256 of the file the dataset was loaded from."""

    @property
    def goal_free(self) -> bool:
        """Episodes without one desired goal each (the file's `goal_free` attribute): hindsight goals only."""
        return bool(self.meta.get("goal_free", False))

    @property
    def num_episodes(self) -> int:
        return int(self.actions.shape[0])

    @property
    def episode_steps(self) -> int:
        return int(self.actions.shape[1])
