"""reacher: dm_control's two-link planar arm; the goal is a fingertip position.

The fingertip position is computed analytically from the two joint angles
(links of 0.12 m each, as in dm_control's MJCF), so the whole batch is one
numpy expression and no forward kinematics call is needed.
"""

from __future__ import annotations

import mujoco
import numpy as np
from dm_control.suite import reacher as dm_reacher

from actjepa.envs.spec import TaskSpec
from actjepa.envs.tasks.base import MujocoTask

LINK = 0.12
"""Length of each link (shoulder->wrist, wrist->finger) in metres."""
WRIST_LIMIT = np.deg2rad(160.0)
"""The wrist joint range in dm_control's MJCF."""


def fingertip(qpos: np.ndarray) -> np.ndarray:
    """Fingertip xy (B, 2) of joint angles (B, 2)."""
    q1, q12 = qpos[:, 0], qpos[:, 0] + qpos[:, 1]
    return LINK * np.stack([np.cos(q1) + np.cos(q12), np.sin(q1) + np.sin(q12)], axis=-1)


def inverse_kinematics(target: np.ndarray) -> np.ndarray:
    """Joint angles (B, 2) that put the fingertip on each target (B, 2), elbow angle >= 0."""
    r2 = np.clip(np.sum(target**2, axis=-1), 1e-8, (2 * LINK) ** 2)
    cos_q2 = np.clip((r2 - 2 * LINK**2) / (2 * LINK**2), -1.0, 1.0)
    q2 = np.minimum(np.arccos(cos_q2), WRIST_LIMIT)
    q1 = np.arctan2(target[:, 1], target[:, 0]) - np.arctan2(LINK * np.sin(q2), LINK + LINK * np.cos(q2))
    return np.stack([q1, q2], axis=-1)


class ReacherTask(MujocoTask):
    """Move the fingertip of a planar 2-link arm onto a random target."""

    spec = TaskSpec(
        name="reacher",
        obs_shape=(8,),
        action_dim=2,
        goal_dim=2,
        success_radius=0.03,
        max_episode_steps=80,
        description="dm_control two-link planar arm (torque control); goal = fingertip xy position.",
        success_rule="fingertip within 0.03 m of the target",
    )
    n_substeps = 1  # dm_control's control timestep equals the physics timestep (0.02 s)
    camera = "fixed"
    hidden_geoms = ("target",)

    def build_model(self) -> mujoco.MjModel:
        xml, assets = dm_reacher.get_model_and_assets()
        return mujoco.MjModel.from_xml_string(xml, assets)

    def sample_episode(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        qpos = np.array([rng.uniform(-np.pi, np.pi), rng.uniform(-WRIST_LIMIT, WRIST_LIMIT)])
        angle, radius = rng.uniform(0, 2 * np.pi), rng.uniform(0.05, 0.20)
        goal = np.array([radius * np.sin(angle), radius * np.cos(angle)])
        return qpos, np.zeros(2), goal

    def observation(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        """cos/sin of both joints, joint velocities, fingertip xy: (B, 8)."""
        parts = [
            np.cos(qpos[:, :1]),
            np.sin(qpos[:, :1]),
            np.cos(qpos[:, 1:2]),
            np.sin(qpos[:, 1:2]),
            qvel,
            fingertip(qpos),
        ]
        return np.concatenate(parts, axis=-1).astype(np.float32)

    def state_from_observation(self, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Joint angles from their cos/sin (need not be unit length), velocities as they are."""
        obs = np.asarray(obs, dtype=np.float64)
        qpos = np.stack([np.arctan2(obs[:, 1], obs[:, 0]), np.arctan2(obs[:, 3], obs[:, 2])], axis=-1)
        return qpos, obs[:, 4:6].copy()

    def achieved_goal(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        return fingertip(qpos)

    def goal_state(self, goal: np.ndarray, qpos0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return inverse_kinematics(goal), np.zeros_like(qpos0)
