"""Registers the four built-in MuJoCo tasks and the OGBench evaluation environments."""

from __future__ import annotations

from actjepa.envs.experts import EXPERTS
from actjepa.envs.mujoco_env import MujocoGoalVecEnv
from actjepa.envs.ogbench.tasks import register_ogbench_tasks
from actjepa.envs.registry import TaskEntry, add_entry
from actjepa.envs.tasks.base import MujocoTask
from actjepa.envs.tasks.maze import MazeTask
from actjepa.envs.tasks.point_mass import PointMassTask
from actjepa.envs.tasks.push import PushTask
from actjepa.envs.tasks.reacher import ReacherTask

BUILTIN_TASKS: tuple[type[MujocoTask], ...] = (ReacherTask, PointMassTask, MazeTask, PushTask)


def _builder(task_cls: type[MujocoTask]):
    return lambda num_envs, obs_mode: MujocoGoalVecEnv(task_cls(), num_envs, obs_mode)


def register_builtin_tasks() -> None:
    """Add reacher, point_mass, maze and push, and the OGBench environments, to the registry."""
    for task_cls in BUILTIN_TASKS:
        add_entry(
            TaskEntry(task_cls.spec, _builder(task_cls), expert=EXPERTS[task_cls.spec.name], builtin=True),
            overwrite=True,
        )
    register_ogbench_tasks()
