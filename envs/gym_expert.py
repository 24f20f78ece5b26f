"""Experts for adapter tasks: a function of a batch of goal observations, or a policy object.

An expert receives the batched Gymnasium goal dict of the current step,
{"observation": (B, *obs), "achieved_goal": (B, G), "desired_goal": (B, G)},
and returns actions (B, A). A policy object is anything with a
`predict(obs_dict)` method (e.g. a Stable-Baselines3 model trained with HER);
it is asked for deterministic actions when its predict accepts `deterministic`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from actjepa.envs.errors import EnvError
from actjepa.envs.spec import TaskSpec
from actjepa.envs.vec_env import GoalVecEnv

GOAL_KEYS = ("observation", "achieved_goal", "desired_goal")
ExpertFn = Callable[[dict[str, np.ndarray]], np.ndarray]
"""expert(goal dict of (B, ...) arrays) -> actions (B, A)."""


def _predict_fn(policy: Any) -> ExpertFn:
    try:
        deterministic = "deterministic" in inspect.signature(policy.predict).parameters
    except (TypeError, ValueError):
        deterministic = False

    def predict(obs: dict[str, np.ndarray]) -> np.ndarray:
        out = policy.predict(obs, deterministic=True) if deterministic else policy.predict(obs)
        return out[0] if isinstance(out, tuple) else out

    return predict


def check_expert_actions(spec: TaskSpec, actions: Any, batch: int) -> np.ndarray:
    """The expert's output as float64 (B, A), or a one-line EnvError naming the task and the shapes."""
    try:
        actions = np.asarray(actions, dtype=np.float64)
    except (TypeError, ValueError):
        raise EnvError(
            f"the expert of task {spec.name!r} returned {type(actions).__name__}, expected a numeric "
            f"array of shape ({batch}, {spec.action_dim})"
        ) from None
    if actions.shape != (batch, spec.action_dim):
        raise EnvError(
            f"the expert of task {spec.name!r} returned actions of shape {actions.shape}, expected "
            f"({batch}, {spec.action_dim}): it must map a batch of B observations to B actions"
        )
    if not np.all(np.isfinite(actions)):
        raise EnvError(f"the expert of task {spec.name!r} returned NaN or infinite actions")
    return actions


def _call(spec: TaskSpec, fn: ExpertFn, obs: Mapping[str, np.ndarray]) -> np.ndarray:
    batch = {key: np.asarray(obs[key]) for key in GOAL_KEYS}
    try:
        actions = fn(batch)
    except EnvError:
        raise
    except Exception as exc:  # user code: one line that names the task
        detail = (str(exc).splitlines() or [""])[0]
        raise EnvError(
            f"the expert of task {spec.name!r} failed on a batch of observations ({type(exc).__name__}: {detail})"
        ) from None
    return check_expert_actions(spec, actions, len(batch["observation"]))


def adapter_expert(spec: TaskSpec, expert: Any, probe_obs: Mapping[str, Any]) -> Callable[[GoalVecEnv], np.ndarray]:
    """expert(env) -> actions (B, A) for the registry, checked once on a batch of two probe observations."""
    if hasattr(expert, "predict"):
        fn = _predict_fn(expert)
    elif callable(expert):
        fn = expert
    else:
        raise EnvError(
            f"the expert of task {spec.name!r} must be a function of a batch of observations or an "
            f"object with predict(); got {type(expert).__name__}"
        )
    _call(spec, fn, {key: np.stack([np.asarray(probe_obs[key])] * 2) for key in GOAL_KEYS})

    def run(env: GoalVecEnv) -> np.ndarray:
        return _call(spec, fn, env.observe())

    return run
