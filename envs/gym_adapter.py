"""Adapter: any Gymnasium goal environment becomes a registered task.

A Gymnasium goal env has a dict observation with `observation`,
`achieved_goal` and `desired_goal`. Register it with a factory, a function
that returns an observation of a state satisfying the goal, and a success
rule; `envs.make(name, num_envs)` then steps a list of `num_envs` copies in a
Python loop (the adapter's cost: built-in tasks are simulated in one batch).
Adapter tasks support the `state` observation mode. An optional expert makes
`collect --source expert` work; the oracle works when the env is MuJoCo-based
(envs.gym_oracle); videos use the env's own render() when it was made with
render_mode='rgb_array'. Close the batch with `close()` or a `with` block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from actjepa.envs.errors import EnvError
from actjepa.envs.gym_expert import GOAL_KEYS, adapter_expert
from actjepa.envs.gym_oracle import AchievedGoalFn, MujocoEnvOracle, oracle_problem
from actjepa.envs.registry import TaskEntry, add_entry, check_name_free
from actjepa.envs.spec import TaskSpec
from actjepa.envs.vec_env import GoalVecEnv

GoalObservationFn = Callable[[Any, np.ndarray], np.ndarray]
"""goal_observation_fn(env, desired_goal (G,)) -> observation (*obs) of a state that reaches the goal."""
SuccessFn = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""success_fn(achieved_goal (B, G), desired_goal (B, G)) -> (B,) bool."""


class GymGoalVecEnv(GoalVecEnv):
    """A list of Gymnasium goal envs behind the GoalVecEnv interface."""

    def __init__(
        self,
        spec: TaskSpec,
        factory: Callable[[], Any],
        goal_observation_fn: GoalObservationFn,
        success_fn: SuccessFn | None,
        num_envs: int = 1,
        obs_mode: str = "state",
        oracle_problem: str = "",
        achieved_goal_fn: AchievedGoalFn | None = None,
    ) -> None:
        if obs_mode != "state":
            raise EnvError(f"adapter task {spec.name!r} supports only obs_mode='state' (it has no pixel renderer)")
        super().__init__(spec, num_envs, obs_mode)
        self.envs = [factory() for _ in range(self.num_envs)]
        space = self.envs[0].action_space
        self.action_low = np.broadcast_to(np.asarray(space.low, dtype=np.float64), (spec.action_dim,)).copy()
        self.action_high = np.broadcast_to(np.asarray(space.high, dtype=np.float64), (spec.action_dim,)).copy()
        self.goal_observation_fn, self.success_fn = goal_observation_fn, success_fn
        self.oracle_problem, self.achieved_goal_fn = oracle_problem, achieved_goal_fn
        self.oracles: list[MujocoEnvOracle] | None = None
        self.achieved_goal = np.zeros((self.num_envs, spec.goal_dim))
        self.last_obs = np.zeros((self.num_envs, *spec.obs_shape), dtype=np.float32)
        self.goal_obs = np.zeros_like(self.last_obs)

    def _store(self, dict_obs: list[dict[str, Any]]) -> None:
        self.last_obs = np.stack([np.asarray(o["observation"], dtype=np.float32) for o in dict_obs])
        self.achieved_goal = np.stack([np.asarray(o["achieved_goal"], dtype=np.float64) for o in dict_obs])

    def reset(self, seeds: Sequence[int]) -> dict[str, np.ndarray]:
        seeds = self.check_seeds(seeds)
        dict_obs = [env.reset(seed=int(s))[0] for env, s in zip(self.envs, seeds, strict=True)]
        self._store(dict_obs)
        self.desired_goal = np.stack([np.asarray(o["desired_goal"], dtype=np.float64) for o in dict_obs])
        self.goal_obs = np.stack(
            [
                np.asarray(self.goal_observation_fn(env, g), dtype=np.float32)
                for env, g in zip(self.envs, self.desired_goal, strict=True)
            ]
        )
        self.elapsed_steps = 0
        return self.observe()

    def step(self, actions: np.ndarray):
        actions = self.check_actions(actions)
        self._store([env.step(a)[0] for env, a in zip(self.envs, actions, strict=True)])
        return self.step_outputs()

    def observe(self) -> dict[str, np.ndarray]:
        return {
            "observation": self.last_obs.copy(),
            "achieved_goal": self.achieved_goal.copy(),
            "desired_goal": self.desired_goal.copy(),
            "goal_observation": self.goal_obs.copy(),
        }

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

    def _simulators(self, what: str) -> list[MujocoEnvOracle]:
        if self.oracle_problem:
            raise EnvError(f"{what} is not available for adapter task {self.spec.name!r}: {self.oracle_problem}")
        if self.oracles is None:
            self.oracles = [MujocoEnvOracle(env, self.spec.goal_dim, self.achieved_goal_fn) for env in self.envs]
        return self.oracles

    def get_sim_state(self) -> np.ndarray:
        return np.stack([oracle.get_state() for oracle in self._simulators("get_sim_state")])

    def set_sim_state(self, state: np.ndarray) -> None:
        oracles = self._simulators("set_sim_state")
        state = np.asarray(state, dtype=np.float64)
        if state.shape != (self.num_envs, oracles[0].nstate):
            raise EnvError(f"sim state has shape {state.shape}, expected {(self.num_envs, oracles[0].nstate)}")
        for oracle, row in zip(oracles, state, strict=True):
            oracle.set_state(row)

    def simulate(self, actions: np.ndarray) -> np.ndarray:
        oracles = self._simulators("simulate (the oracle)")
        actions = self.check_candidate_actions(actions)
        return np.stack([oracle.simulate(rows) for oracle, rows in zip(oracles, actions, strict=True)])

    def render_frames(self) -> np.ndarray | None:
        """(B, H, W, 3) uint8 frames from each env's render(), or None if it was not made with rgb_array."""
        if any(getattr(env, "render_mode", None) != "rgb_array" for env in self.envs):
            return None
        return np.stack([np.asarray(env.render(), dtype=np.uint8) for env in self.envs])

    def close(self) -> None:
        for oracle in self.oracles or []:
            oracle.close()
        self.oracles = None
        for env in self.envs:
            env.close()
        self.envs = []


def _read_spec(
    name: str, probe: Any, success_radius: float, max_episode_steps: int, description: str, success_rule: str
) -> TaskSpec:
    try:
        spaces = probe.observation_space
        obs_shape = tuple(spaces["observation"].shape)
        goal_dim = int(np.prod(spaces["desired_goal"].shape))
        action_dim = int(np.prod(probe.action_space.shape))
    except (KeyError, TypeError, AttributeError):
        raise EnvError(
            f"task {name!r}: the env needs a Dict observation space with observation/achieved_goal/"
            "desired_goal and a Box action space"
        ) from None
    return TaskSpec(
        name=name,
        obs_shape=obs_shape,
        action_dim=action_dim,
        goal_dim=goal_dim,
        success_radius=float(success_radius),
        max_episode_steps=int(max_episode_steps),
        description=description or f"Gymnasium goal env {name}",
        success_rule=success_rule or f"goal distance below {success_radius}",
    )


def _reset_goal_dict(spec: TaskSpec, probe: Any) -> Mapping[str, Any]:
    """The probe's first observation, checked to be a goal dict of the declared shapes."""
    obs = probe.reset(seed=0)[0]
    if not isinstance(obs, Mapping) or any(key not in obs for key in GOAL_KEYS):
        found = sorted(obs) if isinstance(obs, Mapping) else type(obs).__name__
        raise EnvError(
            f"task {spec.name!r}: env.reset() must return a goal dict with observation/achieved_goal/"
            f"desired_goal, got {found}"
        )
    expected = {"observation": spec.obs_shape, "achieved_goal": (spec.goal_dim,), "desired_goal": (spec.goal_dim,)}
    for key, shape in expected.items():
        got = np.asarray(obs[key]).reshape(-1).shape if key != "observation" else np.shape(obs[key])
        if tuple(got) != tuple(shape):
            raise EnvError(
                f"task {spec.name!r}: reset observation {key!r} has shape {np.shape(obs[key])}, "
                f"expected {shape} from the observation space"
            )
    return obs


def _probe(name, factory, success_radius, max_episode_steps, description, success_rule, expert, achieved_goal_fn):
    """Spec, checked expert, oracle problem and whether it renders, read from one probe instance of the env."""
    probe = factory()
    try:
        spec = _read_spec(name, probe, success_radius, max_episode_steps, description, success_rule)
        first_obs = _reset_goal_dict(spec, probe)
        expert_fn = None if expert is None else adapter_expert(spec, expert, first_obs)
        space = probe.action_space
        low = np.broadcast_to(space.low, (spec.action_dim,))
        high = np.broadcast_to(space.high, (spec.action_dim,))
        problem = oracle_problem(probe, spec.action_dim, spec.goal_dim, achieved_goal_fn, low, high)
        renders = getattr(probe, "render_mode", None) == "rgb_array"
    finally:
        if hasattr(probe, "close"):
            probe.close()
    return spec, expert_fn, problem, renders


def _goal_observations_fn(factory, goal_observation_fn):
    """goals (E, G) -> goal observations (E, *obs), each from a fresh env of the task."""

    def goal_observations(goals: np.ndarray) -> np.ndarray:
        env = factory()
        try:
            env.reset(seed=0)
            return np.stack([np.asarray(goal_observation_fn(env, g), dtype=np.float32) for g in goals])
        finally:
            env.close()

    return goal_observations


def register_task(
    name: str,
    factory: Callable[[], Any],
    goal_observation_fn: GoalObservationFn,
    success_fn: SuccessFn | None = None,
    *,
    success_radius: float,
    max_episode_steps: int,
    description: str = "",
    success_rule: str = "",
    expert: Any = None,
    achieved_goal_fn: AchievedGoalFn | None = None,
    overwrite: bool = False,
) -> TaskSpec:
    """Register a Gymnasium goal env under `name`; returns the TaskSpec read from one probe instance.

    success_fn defaults to "goal distance below success_radius". Episodes are cut at
    max_episode_steps (the env's own termination is ignored: fixed-length episodes).
    expert: expert(goal dict of (B, ...) arrays) -> actions (B, A), or an object with predict()
    (envs.gym_expert); checked here on a probe batch. achieved_goal_fn(qpos (M, nq), qvel (M, nv))
    -> (M, G) speeds up the oracle of a MuJoCo-based env (default: the env's own _get_obs()).
    Raises a one-line EnvError for a name taken by a built-in task, an env that is not a goal env,
    or an expert with the wrong output.
    """
    check_name_free(name, overwrite)
    spec, expert_fn, problem, renders = _probe(
        name, factory, success_radius, max_episode_steps, description, success_rule, expert, achieved_goal_fn
    )

    def build(num_envs: int, obs_mode: str) -> GoalVecEnv:
        return GymGoalVecEnv(
            spec, factory, goal_observation_fn, success_fn, num_envs, obs_mode, problem, achieved_goal_fn
        )

    entry = TaskEntry(
        spec,
        build,
        expert=expert_fn,
        pixel_observations=False,
        oracle_problem=problem,
        scene_renderer="env.render()" if renders else "",
        goal_observations=_goal_observations_fn(factory, goal_observation_fn),
        success_fn=success_fn,
    )
    add_entry(entry, overwrite=overwrite)
    return spec
