"""Task registry: names -> specs and vector-env builders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from envs.errors import EnvError
from envs.spec import TaskSpec
from envs.vec_env import GoalVecEnv


@dataclass(frozen=True)
class TaskEntry:
    """A registered task."""

    spec: TaskSpec
    """The task's static description."""
    build: Callable[[int, str], GoalVecEnv]
    """build(num_envs, obs_mode) -> a fresh GoalVecEnv."""


_REGISTRY: dict[str, TaskEntry] = {}


def add_entry(entry: TaskEntry, overwrite: bool = False) -> None:
    """Register a task; refuse to replace an existing name unless `overwrite`."""
    if entry.spec.name in _REGISTRY and not overwrite:
        raise EnvError(f"task {entry.spec.name!r} is already registered; pick another name or pass overwrite=True")
    _REGISTRY[entry.spec.name] = entry


def task_names() -> list[str]:
    """Registered task names, built-ins first."""
    return list(_REGISTRY)


def _entry(name: str) -> TaskEntry:
    if name not in _REGISTRY:
        raise EnvError(f"unknown task {name!r}; known tasks: {', '.join(_REGISTRY)}")
    return _REGISTRY[name]


def task_spec(name: str) -> TaskSpec:
    """The TaskSpec of a registered task (EnvError listing known tasks if unknown)."""
    return _entry(name).spec


def make(name: str, num_envs: int = 1, obs_mode: str = "state") -> GoalVecEnv:
    """A batch of `num_envs` environments of task `name` in observation mode `obs_mode`."""
    return _entry(name).build(num_envs, obs_mode)
