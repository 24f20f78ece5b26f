"""OGBench environments behind the GoalVecEnv interface, seeded so every episode is a pure function of its seed.

An OGBench env gives its goal as a full goal observation (`info["goal"]` at reset), judges success itself
(`info["success"]`) and picks evaluation task k with `reset(options=dict(task_id=k))`. Three sources of
randomness must be seeded together or an evaluation is not reproducible: the maze's start and goal noise come
from the global `np.random`, the cube env's goal pose from random actions of `env.action_space`, and the rest
from the env's own generator (`reset(seed=)`). `reset` seeds all three from the episode seed.

Episodes here never terminate early: success is read after every step, and an evaluation counts an episode
as solved from its first successful step, which is what OGBench's termination at success scores.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence

import numpy as np

from actjepa.envs.errors import EnvError
from actjepa.envs.spec import TaskSpec
from actjepa.envs.vec_env import GoalVecEnv

NUM_TASKS = 5
"""Evaluation tasks per OGBench environment (task ids 1..5)."""


def make_ogbench_env(env_id: str, **kwargs):
    """One OGBench environment, unwrapped (no time limit, no env checker), made offline from the ogbench wheel's
    registrations (what `ogbench.make_env_and_datasets(..., env_only=True)` does for a dataset name)."""
    os.environ.setdefault("MUJOCO_GL", "egl")
    import gymnasium
    import ogbench  # noqa: F401 - registers the OGBench environments with gymnasium

    return pin_action_space(gymnasium.make(env_id, disable_env_checker=True, **kwargs).unwrapped)


def is_maze(env_id: str) -> bool:
    """Whether an OGBench environment is a maze (else a manipulation scene)."""
    return "maze" in env_id


def achieved_goal(env, maze: bool) -> np.ndarray:
    """What the task's success is judged on: the agent's xy in a maze, the cube's xyz in a cube scene."""
    if maze:
        return np.array(env.get_xy(), dtype=np.float64)
    return np.array(env._data.joint("object_joint_0").qpos[:3], dtype=np.float64)  # a copy: qpos is live


def desired_goal(env, maze: bool) -> np.ndarray:
    """The goal that achieved_goal is compared with: the maze goal's xy, the cube target's xyz."""
    if maze:
        return np.array(env.cur_goal_xy, dtype=np.float64)
    return np.array(env._data.mocap_pos[env._cube_target_mocap_ids[0]], dtype=np.float64)


def pin_action_space(env):
    """Make `env.action_space` one object. The manipulation envs build a new Box on every access, so the random
    actions that settle their goal scene come from a fresh, unseeded generator and no seed reaches them; pinned,
    `seed_everything` seeds the generator those actions are drawn from. Returns the env."""
    if isinstance(getattr(type(env), "action_space", None), property):
        space = env.action_space
        env.__class__ = type(type(env).__name__, (type(env),), {"action_space": property(lambda self: space)})
    return env


def seed_everything(env, seed: int) -> None:
    """Seed the global np.random and the action space's generator (the env's own is seeded by reset)."""
    np.random.seed(int(seed) % 2**32)
    env.action_space.seed(int(seed))


class OGBenchVecEnv(GoalVecEnv):
    """B OGBench episodes of one environment, stepped one after the other (state observations only)."""

    def __init__(self, spec: TaskSpec, num_envs: int = 1, obs_mode: str = "state") -> None:
        if obs_mode != "state":
            raise EnvError(f"OGBench task {spec.name!r} supports only obs_mode='state' here")
        super().__init__(spec, num_envs, obs_mode)
        self.maze = is_maze(spec.name)
        first = make_ogbench_env(spec.name, terminate_at_goal=False)
        if self.maze:  # cheap to build (and gymnasium's pickling rebuilds them wrongly)
            copies = [make_ogbench_env(spec.name, terminate_at_goal=False) for _ in range(self.num_envs - 1)]
        else:  # building a cube scene compiles its XML for seconds; copies share nothing and behave identically
            copies = [copy.deepcopy(first) for _ in range(self.num_envs - 1)]
        self.envs = [first, *copies]
        space = self.envs[0].action_space
        self.action_low = np.asarray(space.low, dtype=np.float64)
        self.action_high = np.asarray(space.high, dtype=np.float64)
        self.task_ids = np.ones(self.num_envs, dtype=np.int64)
        self._success = np.zeros(self.num_envs, dtype=bool)

    def set_tasks(self, task_ids: Sequence[int]) -> None:
        """Evaluation task (1..5) of each episode for the next reset()."""
        ids = np.asarray(task_ids, dtype=np.int64).reshape(-1)
        if ids.shape != (self.num_envs,) or ids.min() < 1 or ids.max() > NUM_TASKS:
            raise EnvError(f"task ids must be {self.num_envs} integers in 1..{NUM_TASKS}, got {list(ids)}")
        self.task_ids = ids

    def reset(self, seeds: Sequence[int]) -> dict[str, np.ndarray]:
        seeds = self.check_seeds(seeds)
        observations, goals = [], []
        for env, seed, task in zip(self.envs, seeds, self.task_ids, strict=True):
            seed_everything(env, int(seed))
            ob, info = env.reset(seed=int(seed), options=dict(task_id=int(task)))
            observations.append(ob)
            goals.append(info["goal"])
        self._obs = np.asarray(observations, dtype=np.float32)
        self.goal_obs = np.asarray(goals, dtype=np.float32)
        self.desired_goal = np.stack([desired_goal(env, self.maze) for env in self.envs])
        self._success = np.zeros(self.num_envs, dtype=bool)
        self.elapsed_steps = 0
        return self.observe()

    def step(self, actions: np.ndarray):
        actions = self.check_actions(actions)
        observations, success = [], []
        for env, action in zip(self.envs, actions, strict=True):
            ob, _, _, _, info = env.step(action)
            observations.append(ob)
            success.append(bool(info["success"]))
        self._obs = np.asarray(observations, dtype=np.float32)
        self._success = np.asarray(success)
        return self.step_outputs()

    def observe(self) -> dict[str, np.ndarray]:
        return {
            "observation": self._obs.copy(),
            "achieved_goal": np.stack([achieved_goal(env, self.maze) for env in self.envs]),
            "desired_goal": self.desired_goal.copy(),
            "goal_observation": self.goal_obs.copy(),
        }

    def goal_distance(self) -> np.ndarray:
        achieved = np.stack([achieved_goal(env, self.maze) for env in self.envs])
        return np.linalg.norm(achieved - self.desired_goal, axis=-1)

    def success(self) -> np.ndarray:
        """The env's own success flag after the last step (its rule, not a distance threshold of ours)."""
        return self._success.copy()

    def step_outputs(self):
        out = super().step_outputs()
        out[4]["success"] = self.success()
        return out

    def _no_oracle(self, what: str):
        from actjepa.envs.ogbench.tasks import ORACLE_PROBLEM

        raise EnvError(f"{what} is not available for OGBench task {self.spec.name!r}: {ORACLE_PROBLEM}")

    def get_sim_state(self) -> np.ndarray:
        self._no_oracle("get_sim_state")

    def set_sim_state(self, state: np.ndarray) -> None:
        self._no_oracle("set_sim_state")

    def simulate(self, actions: np.ndarray) -> np.ndarray:
        self._no_oracle("simulate (the oracle)")

    def close(self) -> None:
        for env in self.envs:
            env.close()
        self.envs = []
