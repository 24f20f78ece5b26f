"""The batched goal-environment interface every task exposes.

B environments step together; observations are dicts with `observation`,
`achieved_goal`, `desired_goal` and `goal_observation` (an observation of a
state that satisfies the goal, rendered like any other observation).
Episodes have a fixed length: no early termination, truncation at
`max_episode_steps`, reward = -goal_distance.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np

from actjepa.envs.errors import EnvError
from actjepa.envs.spec import TaskSpec

OBS_MODES = ("state", "pixels")
PIXEL_SHAPE = (64, 64, 3)


class GoalVecEnv(ABC):
    """B goal-conditioned episodes stepped side by side."""

    num_envs: int
    spec: TaskSpec
    obs_mode: str
    action_low: np.ndarray
    action_high: np.ndarray
    desired_goal: np.ndarray

    def __init__(self, spec: TaskSpec, num_envs: int, obs_mode: str) -> None:
        if obs_mode not in OBS_MODES:
            raise EnvError(f"unknown observation mode {obs_mode!r}; use one of {', '.join(OBS_MODES)}")
        if int(num_envs) < 1:
            raise EnvError(f"num_envs must be >= 1, got {num_envs}")
        self.spec, self.num_envs, self.obs_mode = spec, int(num_envs), obs_mode
        self.desired_goal = np.zeros((self.num_envs, spec.goal_dim))
        self.elapsed_steps = 0

    @property
    def observation_shape(self) -> tuple[int, ...]:
        """Shape of one observation: the state vector, or (64, 64, 3) uint8 pixels."""
        return PIXEL_SHAPE if self.obs_mode == "pixels" else tuple(self.spec.obs_shape)

    @property
    def action_dim(self) -> int:
        return self.spec.action_dim

    @property
    def max_episode_steps(self) -> int:
        return self.spec.max_episode_steps

    def check_seeds(self, seeds: Sequence[int]) -> np.ndarray:
        """Seeds as an int64 array of length num_envs, or EnvError."""
        seeds = np.asarray(seeds)
        if seeds.shape != (self.num_envs,) or not np.issubdtype(seeds.dtype, np.integer):
            raise EnvError(f"reset needs {self.num_envs} integer seeds (one per env), got shape {seeds.shape}")
        if np.any(seeds < 0):
            raise EnvError("seeds must be non-negative integers")
        return seeds.astype(np.int64)

    def check_actions(self, actions: Any) -> np.ndarray:
        """Actions as a float64 (B, A) array clipped to the action range, or EnvError."""
        try:
            actions = np.asarray(actions, dtype=np.float64)
        except (TypeError, ValueError):
            raise EnvError("actions must be a numeric array of shape (num_envs, action_dim)") from None
        expected = (self.num_envs, self.action_dim)
        if actions.shape != expected:
            raise EnvError(f"actions have shape {actions.shape}, expected {expected} for task {self.spec.name!r}")
        if not np.all(np.isfinite(actions)):
            raise EnvError("actions contain NaN or infinity; pass finite values in [action_low, action_high]")
        return np.clip(actions, self.action_low, self.action_high)

    def check_candidate_actions(self, actions: Any) -> np.ndarray:
        """Candidate sequences as float64 (B, N, H, A) clipped to the action range, or EnvError (for simulate)."""
        actions = np.asarray(actions, dtype=np.float64)
        if actions.ndim != 4 or actions.shape[0] != self.num_envs or actions.shape[-1] != self.action_dim:
            raise EnvError(
                f"simulate needs actions (B={self.num_envs}, N, H, A={self.action_dim}), got {actions.shape}"
            )
        return np.clip(actions, self.action_low, self.action_high)

    def step_outputs(self) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """The step tuple for the current state (shared by every implementation)."""
        self.elapsed_steps += 1
        distance = self.goal_distance()
        truncated = np.full(self.num_envs, self.elapsed_steps >= self.max_episode_steps)
        info = {"success": distance < self.spec.success_radius, "goal_distance": distance}
        return self.observe(), -distance, np.zeros(self.num_envs, dtype=bool), truncated, info

    def success(self) -> np.ndarray:
        """(B,) bool: is each episode's goal reached now (from simulator state; scoring only)."""
        return self.goal_distance() < self.spec.success_radius

    @property
    def velocity_dim(self) -> int:
        """Joint velocities a perturbation kick changes (0 where the task cannot be kicked)."""
        return 0

    def perturb(self, velocity_change: np.ndarray) -> None:
        """Add velocity_change (B, velocity_dim) to the joint velocities: an external push (built-in tasks)."""
        raise EnvError(f"task {self.spec.name!r} cannot be pushed; use a built-in task or actuator noise")

    def close(self) -> None:  # noqa: B027 - a no-op by default; envs holding resources override it
        """Release simulator resources (thread pools, wrapped envs); idempotent."""

    def __enter__(self) -> GoalVecEnv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def goal_distance(self) -> np.ndarray:
        """(B,) distance between achieved and desired goal, from simulator state."""

    @abstractmethod
    def observe(self) -> dict[str, np.ndarray]:
        """The observation dict for the current state."""

    @abstractmethod
    def reset(self, seeds: Sequence[int]) -> dict[str, np.ndarray]:
        """Start one episode per seed; the start and goal are a pure function of the seed."""

    @abstractmethod
    def step(self, actions: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, dict]:
        """Advance every env by one control step."""

    @abstractmethod
    def get_sim_state(self) -> np.ndarray:
        """(B, nstate) float64 simulator state."""

    @abstractmethod
    def set_sim_state(self, state: np.ndarray) -> None:
        """Restore a state from get_sim_state."""

    @abstractmethod
    def simulate(self, actions: np.ndarray) -> np.ndarray:
        """Achieved goals (B, N, H, G) after each of N candidate action sequences (B, N, H, A)."""
