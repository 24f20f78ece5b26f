"""Adapter: any Gymnasium goal environment becomes a registered task.

A Gymnasium goal env has a dict observation with `observation`,
`achieved_goal` and `desired_goal`. Register it with a factory, a function
that returns an observation of a state satisfying the goal, and a success
rule; `envs.make(name, num_envs)` then steps a list of `num_envs` copies in a
Python loop (the adapter's cost: built-in tasks are simulated in one batch).
Adapter tasks support the `state` observation mode; they have no simulator
state to save or roll out, so the oracle planner is not available for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from envs.errors import EnvError
from envs.registry import TaskEntry, add_entry
from envs.spec import TaskSpec
from envs.vec_env import GoalVecEnv

GoalObservationFn = Callable[[Any, np.ndarray], np.ndarray]
"""goal_observation_fn(env, desired_goal (G,)) -> observation (*obs) of a state that reaches the goal."""
SuccessFn = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""success_fn(achieved_goal (B, G), desired_goal (B, G)) -> (B,) bool."""


class GymGoalVecEnv(GoalVecEnv):
    """A list of Gymnasium goal envs behind the GoalVecEnv interface."""

    def __init__(self, spec: TaskSpec, factory: Callable[[], Any], goal_observation_fn: GoalObservationFn,
                 success_fn: SuccessFn | None, num_envs: int = 1, obs_mode: str = "state") -> None:
        if obs_mode != "state":
            raise EnvError(f"adapter task {spec.name!r} supports only obs_mode='state'")
        super().__init__(spec, num_envs, obs_mode)
        self.envs = [factory() for _ in range(self.num_envs)]
        space = self.envs[0].action_space
        self.action_low = np.broadcast_to(np.asarray(space.low, dtype=np.float64), (spec.action_dim,)).copy()
        self.action_high = np.broadcast_to(np.asarray(space.high, dtype=np.float64), (spec.action_dim,)).copy()
        self.goal_observation_fn, self.success_fn = goal_observation_fn, success_fn
        self.achieved_goal = np.zeros((self.num_envs, spec.goal_dim))
        self.last_obs = np.zeros((self.num_envs, *spec.obs_shape), dtype=np.float32)
        self.goal_obs = np.zeros_like(self.last_obs)

    def _store(self, dict_obs: list[dict[str, Any]]) -> None:
        self.last_obs = np.stack([np.asarray(o["observation"], dtype=np.float32) for o in dict_obs])
        self.achieved_goal = np.stack([np.asarray(o["achieved_goal"], dtype=np.float64) for o in dict_obs])

    def reset(self, seeds: Sequence[int]) -> dict[str, np.ndarray]:
        seeds = self.check_seeds(seeds)
        dict_obs = [env.reset(seed=int(s))[0] for env, s in zip(self.envs, seeds)]
        self._store(dict_obs)
        self.desired_goal = np.stack([np.asarray(o["desired_goal"], dtype=np.float64) for o in dict_obs])
        self.goal_obs = np.stack([np.asarray(self.goal_observation_fn(env, g), dtype=np.float32)
                                  for env, g in zip(self.envs, self.desired_goal)])
        self.elapsed_steps = 0
        return self.observe()

    def step(self, actions: np.ndarray):
        actions = self.check_actions(actions)
        self._store([env.step(a)[0] for env, a in zip(self.envs, actions)])
        return self.step_outputs()

    def observe(self) -> dict[str, np.ndarray]:
        return {"observation": self.last_obs.copy(), "achieved_goal": self.achieved_goal.copy(),
                "desired_goal": self.desired_goal.copy(), "goal_observation": self.goal_obs.copy()}

    def goal_distance(self) -> np.ndarray:
        return np.linalg.norm(self.achieved_goal - self.desired_goal, axis=-1)

    def success(self) -> np.ndarray:
        if self.success_fn is None:
            return super().success()
        return np.asarray(self.success_fn(self.achieved_goal, self.desired_goal), dtype=bool).reshape(self.num_envs)

    def step_outputs(self):
        out = super().step_outputs()
        out[4]["success"] = self.success()
        return out

    def _unsupported(self, what: str) -> EnvError:
        return EnvError(f"{what} is not available for adapter task {self.spec.name!r}; use a built-in MuJoCo task")

    def get_sim_state(self) -> np.ndarray:
        raise self._unsupported("get_sim_state")

    def set_sim_state(self, state: np.ndarray) -> None:
        raise self._unsupported("set_sim_state")

    def simulate(self, actions: np.ndarray) -> np.ndarray:
        raise self._unsupported("simulate (the oracle)")


def register_task(name: str, factory: Callable[[], Any], goal_observation_fn: GoalObservationFn,
                  success_fn: SuccessFn | None = None, *, success_radius: float, max_episode_steps: int,
                  description: str = "", success_rule: str = "", overwrite: bool = False) -> TaskSpec:
    """Register a Gymnasium goal env under `name`; returns the TaskSpec read from one probe instance.

    success_fn defaults to "goal distance below success_radius". Episodes are cut at
    max_episode_steps (the env's own termination is ignored: fixed-length episodes).
    """
    probe = factory()
    try:
        spaces = probe.observation_space
        obs_shape = tuple(spaces["observation"].shape)
        goal_dim = int(np.prod(spaces["desired_goal"].shape))
        action_dim = int(np.prod(probe.action_space.shape))
    except (KeyError, TypeError, AttributeError):
        raise EnvError(f"task {name!r}: the env needs a Dict observation space with observation/achieved_goal/"
                       "desired_goal and a Box action space") from None
    finally:
        if hasattr(probe, "close"):
            probe.close()
    spec = TaskSpec(name=name, obs_shape=obs_shape, action_dim=action_dim, goal_dim=goal_dim,
                    success_radius=float(success_radius), max_episode_steps=int(max_episode_steps),
                    description=description or f"Gymnasium goal env {name}",
                    success_rule=success_rule or f"goal distance below {success_radius}")

    def build(num_envs: int, obs_mode: str) -> GoalVecEnv:
        return GymGoalVecEnv(spec, factory, goal_observation_fn, success_fn, num_envs, obs_mode)

    add_entry(TaskEntry(spec, build), overwrite=overwrite)
    return spec
