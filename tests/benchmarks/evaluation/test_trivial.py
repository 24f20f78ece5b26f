"""The controllers that read no model: zero and uniform random actions, the already-solved fraction, and the
per-episode outcomes every results entry keeps."""

import numpy as np
import pytest
import torch

from actjepa import envs
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.controllers import build_controller
from actjepa.benchmarks.evaluation.run import evaluate, evaluate_seeds
from actjepa.planner import ControllerConfig


def _actions(name: str, seeds: list[int], steps: int = 3) -> np.ndarray:
    """(steps, B, A) actions of controller `name` on reacher episodes whose noise seeds are `seeds`."""
    with envs.make("reacher", num_envs=len(seeds)) as env:
        obs = env.reset(list(range(len(seeds))))
        controller = build_controller(name, None, env, ControllerConfig())
        controller.reset(torch.as_tensor(obs["observation"]), torch.as_tensor(obs["goal_observation"]), seeds=seeds)
        return np.stack([controller.act(torch.as_tensor(obs["observation"])).numpy() for _ in range(steps)])


def test_zero_holds_the_resting_action_and_random_covers_the_action_range():
    assert np.all(_actions("zero", [0, 1]) == 0.0)
    draws = _actions("random", list(range(200)), steps=5).reshape(-1, 2)
    spec = envs.task_spec("reacher")
    with envs.make("reacher") as env:
        low, high = env.action_low, env.action_high
    assert spec.action_dim == 2 and np.all(draws >= low) and np.all(draws <= high)
    quarters = np.histogram((draws[:, 0] - low[0]) / (high[0] - low[0]), bins=4, range=(0, 1))[0] / len(draws)
    assert np.all(np.abs(quarters - 0.25) < 0.05)  # uniform over the range, not centred on zero


def test_random_actions_depend_on_the_episode_seed_only():
    alone = _actions("random", [7])[:, 0]
    beside = _actions("random", [3, 7, 9])[:, 1]
    assert np.array_equal(alone, beside) and not np.array_equal(alone, _actions("random", [8])[:, 0])


def test_trivial_rows_run_once_and_keep_each_episode():
    """Like the oracle they do not depend on a model's training seed; every entry lists its episodes' outcomes,
    and the file says how many episodes were solved before the first action."""
    cfg = EvalConfig(controllers=("zero", "random"), episodes=6, batch_size=4)
    results = evaluate_seeds({0: None, 1: None}, {"task": "maze", "obs_mode": "state"}, cfg, progress=False)
    for entry in results["controllers"].values():
        episodes = entry["per_episode"]
        assert entry["episodes"] == 6 and entry["training_seeds"] == [0]
        assert episodes["seed"] == [2**31 + i for i in range(6)]
        assert sum(episodes["success"]) == entry["successes"]
        assert np.mean(episodes["final_distance"]) == pytest.approx(entry["mean_final_distance"], abs=1e-6)
        assert entry["solved_at_start_rate"] == 0.0
    assert results["solved_at_start_rate"] == 0.0


def test_episodes_solved_at_the_start_are_counted(monkeypatch):
    """A goal drawn on the start (the success rule holds after reset) counts as solved at the start."""
    from actjepa.envs.mujoco_env import MujocoGoalVecEnv

    reset = MujocoGoalVecEnv.reset

    def reset_at_goal(self, seeds):
        obs = reset(self, seeds)
        self.desired_goal[0] = obs["achieved_goal"][0]  # the first episode's goal is where it starts
        return obs

    monkeypatch.setattr(MujocoGoalVecEnv, "reset", reset_at_goal)
    cfg = EvalConfig(controllers=("zero",), episodes=4)
    results = evaluate(None, {"task": "point_mass", "obs_mode": "state"}, cfg, progress=False)
    assert results["solved_at_start_rate"] == 0.25
