"""point_mass: dm_control's planar point mass; the goal is a position."""

from __future__ import annotations

import mujoco
import numpy as np
from dm_control.suite import point_mass as dm_point_mass

from actjepa.envs.spec import TaskSpec
from actjepa.envs.tasks.base import MujocoTask

ARENA = 0.25
"""Starts and goals lie in [-ARENA, ARENA]^2 (the joints are limited to +-0.29 m)."""


class PointMassTask(MujocoTask):
    """Drive a damped point mass to a nearby random position."""

    spec = TaskSpec(
        name="point_mass",
        obs_shape=(4,),
        action_dim=2,
        goal_dim=2,
        success_radius=0.03,
        max_episode_steps=100,
        description="dm_control planar point mass (force control, easy gains); goal = xy position.",
        success_rule="mass within 0.03 m of the goal position",
    )
    n_substeps = 1  # dm_control's control timestep equals the physics timestep (0.02 s)
    camera = "fixed"
    hidden_geoms = ("target",)
    enlarged_geoms = (("pointmass", 3.0),)  # 0.01 m is about one pixel at 64x64; 0.03 m is six across

    def build_model(self) -> mujoco.MjModel:
        xml, assets = dm_point_mass.get_model_and_assets()
        return mujoco.MjModel.from_xml_string(xml, assets)

    def sample_episode(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        start = rng.uniform(-ARENA + 0.05, ARENA - 0.05, size=2)
        angle, radius = rng.uniform(0, 2 * np.pi), rng.uniform(0.05, 0.15)
        goal = np.clip(start + radius * np.array([np.cos(angle), np.sin(angle)]), -ARENA, ARENA)
        return start, np.zeros(2), goal

    def observation(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        """Position and velocity: (B, 4)."""
        return np.concatenate([qpos, qvel], axis=-1).astype(np.float32)

    def state_from_observation(self, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The observation is (qpos, qvel) itself."""
        return np.asarray(obs[:, :2], dtype=np.float64), np.asarray(obs[:, 2:], dtype=np.float64)

    def achieved_goal(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        return qpos[:, :2].copy()

    def goal_state(self, goal: np.ndarray, qpos0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return goal.copy(), np.zeros_like(qpos0)
