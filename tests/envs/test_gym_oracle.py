"""The oracle of a MuJoCo-based Gymnasium env reproduces the env's own steps; other envs are refused up front."""

import gymnasium as gym
import mujoco
import numpy as np
import pytest

from actjepa import envs
from tests.envs.test_gym_adapter import SlideToGoal
from tests.envs.tiny_goal_env import TIP_OFFSET, TinyPointGoal, register


@pytest.fixture(scope="module")
def tiny():
    return register("tiny_point")


def _stepped_goals(env, candidates):
    """Achieved goals (B, N, H, G) by stepping the env itself through each candidate, restoring in between.

    The goal is the tip position of the physics state after each step (env.step reports the tip
    position as of the last physics substep's start, as MuJoCo envs that skip mj_forward do).
    """
    start = env.get_sim_state()
    b, n, h, _ = candidates.shape
    goals = np.empty((b, n, h, env.spec.goal_dim))
    for i in range(n):
        env.set_sim_state(start)
        for t in range(h):
            env.step(candidates[:, i, t])
            goals[:, i, t] = env.get_sim_state()[:, 1:3] + TIP_OFFSET
    env.set_sim_state(start)
    return goals


@pytest.mark.parametrize("goal_fn", [None, lambda qpos, qvel: qpos + TIP_OFFSET], ids=["env_get_obs", "registered"])
def test_oracle_rollouts_match_stepping_the_env(goal_fn):
    register("tiny_point_oracle", achieved_goal_fn=goal_fn)
    assert envs.oracle_available("tiny_point_oracle") == (True, "")
    with envs.make("tiny_point_oracle", num_envs=2) as env:
        env.reset([3, 4])
        for _ in range(3):
            env.step(np.full((2, 2), 0.4))
        candidates = np.random.default_rng(0).uniform(-1.5, 1.5, size=(2, 3, 6, 2))  # beyond the range: clipped
        before = env.get_sim_state()
        predicted = env.simulate(candidates)
        np.testing.assert_array_equal(env.get_sim_state(), before)  # simulate leaves the episode untouched
        real = _stepped_goals(env, np.clip(candidates, -1, 1))
    assert predicted.shape == (2, 3, 6, 2)
    assert np.abs(np.diff(predicted, axis=2)).max() > 1e-3  # the candidates really move the mass
    np.testing.assert_allclose(predicted, real, rtol=0, atol=1e-9)


def test_oracle_plans_to_the_goal(tiny):
    """The planner's oracle (MPPI on SimulatorModel over env.simulate) reaches goals of the adapter task."""
    import torch

    from actjepa.planner.config import ControllerConfig, PlannerConfig
    from actjepa.planner.controller import make_controller
    from actjepa.planner.oracle import SimulatorModel

    with envs.make("tiny_point", num_envs=2) as env:
        obs = env.reset([10, 11])
        planner = PlannerConfig(
            method="mppi",
            num_samples=64,
            horizon=8,
            iterations=2,
            num_elites=8,
            action_low=(-1.0, -1.0),
            action_high=(1.0, 1.0),
        )
        controller = make_controller(
            "oracle",
            SimulatorModel(env.simulate, lambda: env.desired_goal, 2),
            ControllerConfig(planner=planner, replan_every=2, seed=0),
        )
        controller.reset(torch.as_tensor(obs["observation"]), torch.as_tensor(obs["goal_observation"]))
        start = env.goal_distance()
        reached, late = np.zeros(2, dtype=bool), []
        for t in range(env.max_episode_steps):
            action = controller.act(torch.as_tensor(obs["observation"]))
            obs, _, _, _, info = env.step(action.numpy())
            reached |= info["success"]
            late += [info["goal_distance"]] if t >= env.max_episode_steps - 10 else []
    assert reached.all()  # every episode gets within the success radius
    assert start.max() > 0.2 and np.all(np.mean(late, axis=0) < 0.08)  # and stays near it (sampling noise: it hovers)


def test_oracle_refused_for_envs_that_are_not_mujoco():
    envs.register_task(
        "slide_no_oracle",
        SlideToGoal,
        lambda env, goal: goal.copy(),
        success_radius=0.05,
        max_episode_steps=5,
        overwrite=True,
    )
    ok, reason = envs.oracle_available("slide_no_oracle")
    assert not ok and "not MuJoCo-based" in reason and "slide_no_oracle" in reason and "\n" not in reason
    assert envs.oracle_available("reacher") == (True, "")


def test_oracle_refused_when_step_is_not_plain_mujoco_control():
    """An env that rescales actions before writing data.ctrl fails the registration self-check."""
    register("tiny_point_scaled", factory=lambda: TinyPointGoal(action_gain=0.5))
    ok, reason = envs.oracle_available("tiny_point_scaled")
    assert not ok and "does not reproduce env.step" in reason


def test_close_releases_the_gymnasium_envs(tiny):
    env = envs.make("tiny_point", num_envs=2)
    inner = list(env.envs)
    env.reset([0, 1])
    env.simulate(np.zeros((2, 1, 2, 2)))
    env.close()
    env.close()  # idempotent
    assert env.envs == [] and env.oracles is None and all(e._renderer is None for e in inner)


class GoalArgumentEnv(TinyPointGoal):
    """Reads its observation for a goal passed in, as some Gymnasium-Robotics envs do: `_get_obs(goal)`."""

    def _get_obs(self, goal):
        return {**TinyPointGoal._get_obs(self), "desired_goal": np.asarray(goal, dtype=np.float64).copy()}

    def reset(self, *, seed=None, options=None):
        gym.Env.reset(self, seed=seed)
        mujoco.mj_resetData(self.model, self.data)
        self.data.qpos[:] = self.np_random.uniform(-0.3, 0.3, size=2)
        self.goal = self.np_random.uniform(-0.3, 0.3, size=2)
        mujoco.mj_forward(self.model, self.data)
        return self._get_obs(self.goal), {}

    def step(self, action):
        self.data.ctrl[:] = np.asarray(action, dtype=np.float64)
        mujoco.mj_step(self.model, self.data, nstep=self.frame_skip)
        obs = self._get_obs(self.goal)
        return obs, float(self.compute_reward(obs["achieved_goal"], self.goal, {})), False, False, {}


class NoAchievedGoalEnv(GoalArgumentEnv):
    """Its `_get_obs()` takes no arguments but returns the flat observation only, without the goal dict."""

    def _get_obs(self, goal=None):
        return np.zeros(4) if goal is None else super()._get_obs(goal)


@pytest.mark.parametrize(
    "env_class, detail",
    [(GoalArgumentEnv, "_get_obs(goal) needs arguments"), (NoAchievedGoalEnv, "does not give the achieved goal")],
)
def test_the_default_goal_path_is_refused_with_its_remedy(env_class, detail):
    """The refusal named only the TypeError; it must say that achieved_goal_fn is the way out, and that way
    must work for the same env."""
    register("tiny_point_getobs", factory=env_class)
    ok, reason = envs.oracle_available("tiny_point_getobs")
    assert not ok and detail in reason and "pass achieved_goal_fn=(qpos, qvel)" in reason and "\n" not in reason
    register("tiny_point_getobs", factory=env_class, achieved_goal_fn=lambda qpos, qvel: qpos + TIP_OFFSET)
    assert envs.oracle_available("tiny_point_getobs") == (True, "")
