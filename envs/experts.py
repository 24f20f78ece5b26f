"""Scripted experts, one per built-in task; each maps a batch of envs to actions (B, A).

Experts read simulator state (they are demonstrators, not learners) and are
vectorised over the batch: no loop over episodes.
    reacher     inverse kinematics of the goal, then joint-space PD
    point_mass  PD on position
    maze        next cell on a BFS shortest path through the maze, PD towards it
    push        go to a pre-push point behind the puck on the line to the goal
                (around the puck if needed), then push along that line
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from actjepa.envs.errors import EnvError
from actjepa.envs.mujoco_env import MujocoGoalVecEnv
from actjepa.envs.tasks import maze, push, reacher

Expert = Callable[[MujocoGoalVecEnv], np.ndarray]


def _wrap(angle: np.ndarray) -> np.ndarray:
    return (angle + np.pi) % (2 * np.pi) - np.pi


def reacher_expert(env: MujocoGoalVecEnv) -> np.ndarray:
    """Joint-space PD towards the inverse-kinematics solution of the target."""
    target = reacher.inverse_kinematics(env.desired_goal)
    error = np.stack([_wrap(target[:, 0] - env.qpos[:, 0]), target[:, 1] - env.qpos[:, 1]], axis=-1)
    return np.clip(6.0 * error - 0.3 * env.qvel, -1.0, 1.0)


def _pd_to(position: np.ndarray, velocity: np.ndarray, target: np.ndarray, kp: float, kd: float) -> np.ndarray:
    return np.clip(kp * (target - position) - kd * velocity, -1.0, 1.0)


def point_mass_expert(env: MujocoGoalVecEnv) -> np.ndarray:
    """PD on the mass position towards the goal."""
    return _pd_to(env.qpos[:, :2], env.qvel[:, :2], env.desired_goal, kp=40.0, kd=2.0)


def maze_expert(env: MujocoGoalVecEnv) -> np.ndarray:
    """PD towards the next cell centre on the shortest path (the goal itself in the goal cell)."""
    here = maze.cell_index(env.qpos[:, :2])
    goal_cell = maze.cell_index(env.desired_goal)
    nxt = maze.NEXT_CELL[here, goal_cell]
    waypoint = np.where((here == goal_cell)[:, None], env.desired_goal, maze.cell_center(maze.FREE_CELLS[nxt]))
    return _pd_to(env.qpos[:, :2], env.qvel[:, :2], waypoint, kp=10.0, kd=1.0)


def push_expert(env: MujocoGoalVecEnv) -> np.ndarray:
    """Approach a pre-push point behind the puck, then push it along the line to the goal."""
    pusher, puck = env.qpos[:, 0:2], env.qpos[:, 2:4]
    to_goal = env.desired_goal - puck
    distance = np.linalg.norm(to_goal, axis=-1, keepdims=True)
    u = to_goal / np.maximum(distance, 1e-9)
    normal = np.stack([-u[:, 1], u[:, 0]], axis=-1)
    rel = pusher - puck
    along = np.sum(rel * u, axis=-1, keepdims=True)
    lateral = np.sum(rel * normal, axis=-1, keepdims=True)
    reach = push.CONTACT_DISTANCE
    prepush = puck - u * (reach + 0.01)
    behind = along < -0.5 * reach
    aligned = behind & (np.abs(lateral) < 0.012)
    # Not behind the puck: pass it on the side the pusher is already on.
    side = np.where(lateral >= 0, 1.0, -1.0)
    around = puck + normal * side * (reach + 0.03) - u * (reach + 0.01)
    approach = np.where(behind, prepush, around)
    push_target = puck - u * reach + u * np.minimum(distance, 0.06) - normal * lateral * 2.0
    target = np.where(aligned & (distance > 0.01), push_target, approach)
    return _pd_to(pusher, env.qvel[:, 0:2], target, kp=30.0, kd=1.5)


EXPERTS: dict[str, Expert] = {
    "reacher": reacher_expert,
    "point_mass": point_mass_expert,
    "maze": maze_expert,
    "push": push_expert,
}


def make_expert(name: str) -> Expert:
    """The expert of a task: expert(env) -> actions (B, A); scripted for built-ins, registered for others."""
    from actjepa.envs.registry import task_entry

    expert = task_entry(name).expert
    if expert is None:
        raise EnvError(
            f"task {name!r} has no expert; pass expert=... to envs.register_task, or collect with --source play"
        )
    return expert
