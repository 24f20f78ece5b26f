"""What each task can render, and scene frames of a running batch for videos.

Built-in tasks render 64x64 pixel observations and scene frames with their
own MuJoCo renderer. Adapter tasks are state-only; their scene frames come
from the Gymnasium env's own render() when its factory made it with
render_mode='rgb_array', and otherwise there are none (with a one-line reason).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actjepa.envs.registry import task_entry
from actjepa.envs.vec_env import GoalVecEnv


@dataclass(frozen=True)
class RenderSupport:
    """A task's rendering, stated truthfully for `actjepa tasks` and --videos."""

    pixel_observations: bool
    """obs_mode='pixels' works (64x64x3 uint8 observations)."""
    scene_frames: bool
    """scene_frames(env) returns frames of the running episodes (for videos)."""
    reason: str
    """Why there are no scene frames ('' when there are)."""


def _no_frames_reason(task: str) -> str:
    return (
        f"task {task!r} has no renderer: make its Gymnasium env with render_mode='rgb_array' in the factory "
        "passed to envs.register_task to get videos"
    )


def render_support(task: str) -> RenderSupport:
    """How task `task` renders (no env is built)."""
    entry = task_entry(task)
    frames = bool(entry.scene_renderer)
    return RenderSupport(entry.pixel_observations, frames, "" if frames else _no_frames_reason(task))


def scene_frames(env: GoalVecEnv) -> tuple[np.ndarray | None, str]:
    """Frames (B, H, W, 3) uint8 of the current scenes, or (None, one-line reason why there are none)."""
    from actjepa.envs.gym_adapter import GymGoalVecEnv
    from actjepa.envs.mujoco_env import MujocoGoalVecEnv

    if isinstance(env, MujocoGoalVecEnv):
        from actjepa.envs.render import task_renderer

        return task_renderer(env.task).render(env.get_sim_state()), ""
    if isinstance(env, GymGoalVecEnv):
        frames = env.render_frames()
        return (frames, "") if frames is not None else (None, _no_frames_reason(env.spec.name))
    return None, f"task {env.spec.name!r} has no renderer"


def observation_frames(env: GoalVecEnv, observations: np.ndarray) -> tuple[np.ndarray | None, str]:
    """Scene frames (B, H, W, 3) uint8 of the states that state observations (B, *obs) describe, drawn like
    scene_frames, or (None, one-line reason) when the task cannot place its bodies from an observation."""
    from actjepa.envs.mujoco_env import MujocoGoalVecEnv

    cannot = f"task {env.spec.name!r} cannot be drawn from an observation"
    if not isinstance(env, MujocoGoalVecEnv):
        return None, cannot
    state = env.task.state_from_observation(np.asarray(observations))
    if state is None:
        return None, cannot
    return env.render_states(*state), ""
