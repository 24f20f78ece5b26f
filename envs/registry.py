"""Task registry: names -> specs, vector-env builders and optional experts.

Built-in tasks are registered when `envs` is imported; tasks from the
modules named in ACTJEPA_TASK_MODULES are imported on the first lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from actjepa.envs.errors import EnvError
from actjepa.envs.spec import TaskSpec
from actjepa.envs.task_modules import ENV_VAR, import_task_modules, requested_modules
from actjepa.envs.vec_env import GoalVecEnv

Expert = Callable[[GoalVecEnv], np.ndarray]
"""expert(env) -> actions (B, A) for the env's current state."""


@dataclass(frozen=True)
class TaskEntry:
    """A registered task."""

    spec: TaskSpec
    """The task's static description."""
    build: Callable[[int, str], GoalVecEnv]
    """build(num_envs, obs_mode) -> a fresh GoalVecEnv."""
    expert: Expert | None = None
    """The task's demonstrator, if it has one (built-in experts live in envs.experts)."""
    builtin: bool = False
    """A built-in task: its name cannot be taken by a registered one."""
    pixel_observations: bool = True
    """Whether obs_mode='pixels' is supported (rendered 64x64x3 observations)."""
    oracle_problem: str = ""
    """Why the oracle (simulate on the true simulator) is unavailable; empty when it is available."""
    scene_renderer: str = "mujoco"
    """How scene frames for videos are made: 'mujoco' (built-in renderer), 'env.render()', or '' (none)."""
    goal_observations: Callable[[np.ndarray], np.ndarray] | None = None
    """goal_observations(desired goals (E, G)) -> observations (E, *obs) from the task's goal-observation
    function, for imported data; None for built-ins (their goal state depends on the episode's start)."""
    success_fn: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    """success_fn(achieved (M, G), desired (M, G)) -> (M,) bool; None: goal distance below success_radius."""


_REGISTRY: dict[str, TaskEntry] = {}


def check_name_free(name: str, overwrite: bool = False) -> None:
    """EnvError if `name` is a built-in task, or already registered and not `overwrite`."""
    old = _REGISTRY.get(name)
    if old is not None and old.builtin:
        raise EnvError(f"task {name!r} is already registered as a built-in task; pick another name")
    if old is not None and not overwrite:
        raise EnvError(f"task {name!r} is already registered; pick another name or pass overwrite=True")


def add_entry(entry: TaskEntry, overwrite: bool = False) -> None:
    """Register a task; refuse to replace an existing name unless `overwrite`, and never replace a built-in."""
    if not entry.builtin:
        check_name_free(entry.spec.name, overwrite)
    _REGISTRY[entry.spec.name] = entry


def task_names() -> list[str]:
    """Registered task names, built-ins first."""
    import_task_modules()
    return list(_REGISTRY)


def task_entry(name: str) -> TaskEntry:
    """The registry entry of a task (EnvError listing known tasks and how to add one if unknown)."""
    import_task_modules()
    if name not in _REGISTRY:
        loaded = requested_modules()
        hint = (
            f"{ENV_VAR}={','.join(loaded)} did not register it"
            if loaded
            else f"to use your own task, register it in a module and set {ENV_VAR}=<module>"
        )
        raise EnvError(f"unknown task {name!r}; known tasks: {', '.join(_REGISTRY)}; {hint}")
    return _REGISTRY[name]


def task_spec(name: str) -> TaskSpec:
    """The TaskSpec of a registered task (EnvError listing known tasks if unknown)."""
    return task_entry(name).spec


def make(name: str, num_envs: int = 1, obs_mode: str = "state") -> GoalVecEnv:
    """A batch of `num_envs` environments of task `name` in observation mode `obs_mode`."""
    return task_entry(name).build(num_envs, obs_mode)


def task_success(name: str, achieved: np.ndarray, desired: np.ndarray) -> np.ndarray:
    """(M,) bool success of achieved goals (M, G) against desired goals (M, G) under the task's own rule."""
    entry = task_entry(name)
    if entry.success_fn is not None:
        return np.asarray(entry.success_fn(achieved, desired), dtype=bool).reshape(len(achieved))
    return np.linalg.norm(np.asarray(achieved) - np.asarray(desired), axis=-1) < entry.spec.success_radius
