"""What a built-in MuJoCo task defines; the vector env does the rest.

A task is pure numpy on top of one MjModel: it samples a start and a goal
from an episode's random generator, and maps batched joint positions and
velocities (B, nq), (B, nv) to observations, achieved goals and a state that
satisfies a goal (for the goal observation).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from importlib import resources

import mujoco
import numpy as np

from actjepa.envs.spec import TaskSpec


def load_asset_model(filename: str) -> mujoco.MjModel:
    """Compile an MJCF shipped in envs/assets."""
    text = resources.files("actjepa.envs").joinpath("assets", filename).read_text()
    return mujoco.MjModel.from_xml_string(text)


class MujocoTask(ABC):
    """A goal-conditioned task defined on one MuJoCo model."""

    spec: TaskSpec
    n_substeps: int = 1
    """Physics steps per control step."""
    camera: str = "fixed"
    """Top-down camera used for pixel observations."""
    hidden_geoms: tuple[str, ...] = ()
    """Geoms made invisible in pixel observations (goal markers)."""
    enlarged_geoms: tuple[tuple[str, float], ...] = ()
    """(geom, factor): geoms drawn this many times larger in pixels, where the true size is a pixel or two at
    64x64; drawing only, the physics keeps the true size."""

    @abstractmethod
    def build_model(self) -> mujoco.MjModel:
        """Compile a fresh MjModel for this task."""

    @abstractmethod
    def sample_episode(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Initial (qpos, qvel) and desired goal (G,) of one episode."""

    @abstractmethod
    def observation(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        """State observations (B, *obs_shape) float32; never contain the goal."""

    @abstractmethod
    def achieved_goal(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        """Achieved goals (B, G) float64."""

    def state_from_observation(self, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The (qpos, qvel), each (B, n), that `observation` maps to state observations obs (B, *obs_shape), for
        drawing observations no simulator produced (a decoder's); None when an observation does not fix the pose."""
        return None

    @abstractmethod
    def goal_state(self, goal: np.ndarray, qpos0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A resting state (qpos, qvel), each (B, n), that satisfies each goal (B, G).

        qpos0 (B, nq) is the episode's initial position, for tasks whose goal
        state depends on where the episode started.
        """
