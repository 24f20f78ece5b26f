"""partial:<controller> on OGBench's cube: every goal it plans toward is the current observation with the cube's
xyz from the task's goal, and only tasks whose goals constrain part of the observation accept it."""

import numpy as np
import pytest
import torch

from actjepa import envs
from actjepa.benchmarks.ogbench.evaluation import OfficialEvaluation, make_ogbench_controller, run_official
from actjepa.benchmarks.perf.measure import placeholder_stats
from actjepa.envs.ogbench.tasks import CUBE_XYZ
from actjepa.planner import ControllerConfig
from actjepa.planner.partial_goal import PartialGoalController
from actjepa.world_model import ActJepa
from tests.world_model.conftest import tiny_config

TASK = "cube-single-v0"


@pytest.fixture(scope="module")
def cube_model():
    torch.manual_seed(0)
    cfg = tiny_config(obs_shape=(28,), action_dim=5, context_len=1)
    return ActJepa(cfg, placeholder_stats(False, 28, 5)).eval()


def test_the_policy_plans_toward_the_cube_target_from_the_arm_pose_it_has(cube_model, monkeypatch):
    handed = []
    with envs.make(TASK, num_envs=2) as env:
        env.set_tasks([1, 4])
        controller = make_ogbench_controller("partial:policy", cube_model, env, ControllerConfig())
        assert isinstance(controller, PartialGoalController) and controller.goal_dims.tolist() == list(CUBE_XYZ)
        monkeypatch.setattr(controller.inner, "set_goal", lambda goal: handed.append(goal.clone()))
        obs = env.reset([5, 6])
        controller.reset(torch.as_tensor(obs["observation"]), torch.as_tensor(obs["goal_observation"]))
        for _ in range(3):
            action = controller.act(torch.as_tensor(obs["observation"])).numpy()
            goal = handed[-1].numpy()
            arm = [i for i in range(28) if i not in CUBE_XYZ]
            np.testing.assert_array_equal(goal[:, arm], obs["observation"][:, arm])
            np.testing.assert_array_equal(goal[:, list(CUBE_XYZ)], obs["goal_observation"][:, list(CUBE_XYZ)])
            obs = env.step(action)[0]


def test_an_official_run_of_a_partial_controller_and_a_task_without_goal_entries(cube_model):
    protocol = OfficialEvaluation(episodes_per_task=1, batch_size=5)
    record = run_official("partial:policy", cube_model, TASK, protocol, ControllerConfig(), progress=False)
    assert record["controller"] == "partial:policy" and len(record["success"]) == 5
    with envs.make("pointmaze-medium-v0", num_envs=1) as env, pytest.raises(ValueError, match="has none"):
        make_ogbench_controller("partial:policy", cube_model, env, ControllerConfig())
