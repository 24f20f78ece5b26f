"""push: a force-controlled ball pushes a puck across a table to a goal position.

The puck is round so that a push along the line through both centres moves it
along that line; table friction is viscous damping on the puck's joints.
"""

from __future__ import annotations

import mujoco
import numpy as np

from actjepa.envs.spec import TaskSpec
from actjepa.envs.tasks.base import MujocoTask, load_asset_model

PUCK_RADIUS = 0.04
PUSHER_RADIUS = 0.02
CONTACT_DISTANCE = PUCK_RADIUS + PUSHER_RADIUS
"""Centre distance at which pusher and puck touch."""


class PushTask(MujocoTask):
    """Push a puck to a random goal position on a table."""

    spec = TaskSpec(
        name="push",
        obs_shape=(8,),
        action_dim=2,
        goal_dim=2,
        success_radius=0.04,
        max_episode_steps=80,
        description="ball pusher (force control) and a free puck on a table; goal = puck xy position.",
        success_rule="puck centre within 0.04 m of the goal position",
    )
    n_substeps = 5  # 0.01 s physics, 0.05 s control
    camera = "top"

    def build_model(self) -> mujoco.MjModel:
        return load_asset_model("push.xml")

    def sample_episode(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        puck = rng.uniform(-0.12, 0.12, size=2)
        angle, radius = rng.uniform(0, 2 * np.pi), rng.uniform(0.06, 0.15)
        goal = np.clip(puck + radius * np.array([np.cos(angle), np.sin(angle)]), -0.2, 0.2)
        pusher = rng.uniform(-0.2, 0.2, size=2)
        while np.linalg.norm(pusher - puck) < CONTACT_DISTANCE + 0.03:
            pusher = rng.uniform(-0.2, 0.2, size=2)
        return np.concatenate([pusher, puck]), np.zeros(4), goal

    def observation(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        """Pusher xy, puck xy, pusher velocity, puck velocity: (B, 8)."""
        return np.concatenate([qpos, qvel], axis=-1).astype(np.float32)

    def state_from_observation(self, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The observation is (qpos, qvel) itself."""
        return np.asarray(obs[:, :4], dtype=np.float64), np.asarray(obs[:, 4:], dtype=np.float64)

    def achieved_goal(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        return qpos[:, 2:4].copy()

    def goal_state(self, goal: np.ndarray, qpos0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Puck on the goal, pusher resting against it on the side it was pushed from."""
        direction = goal - qpos0[:, 2:4]
        direction /= np.maximum(np.linalg.norm(direction, axis=-1, keepdims=True), 1e-9)
        pusher = goal - direction * (CONTACT_DISTANCE + 0.005)
        return np.concatenate([pusher, goal], axis=-1), np.zeros_like(qpos0)
