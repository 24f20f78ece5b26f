"""An adapter task plans through exactly the machinery of a built-in task of the same shapes (no task paths)."""

import numpy as np
import pytest
import torch

from actjepa import envs
from actjepa.benchmarks.evaluation.controllers import build_controller
from actjepa.planner import ControllerConfig, PlannerConfig
from actjepa.world_model import ActJepa
from tests.benchmarks.user_tasks import register_point
from tests.world_model.conftest import tiny_config

CONTROL = ControllerConfig(planner=PlannerConfig(num_samples=32, horizon=4, iterations=2))


@pytest.mark.parametrize("name", ["policy", "cem", "mppi+prior", "oracle"])
def test_adapter_and_builtin_controllers_are_the_same(name):
    register_point("same_point")  # obs (4,), 2 actions in [-1, 1]: the shapes of the built-in point_mass
    torch.manual_seed(0)
    stats = {
        "obs_mean": np.zeros(4, np.float32),
        "obs_std": np.ones(4, np.float32),
        "action_mean": np.zeros(2, np.float32),
        "action_std": np.ones(2, np.float32),
    }
    model = ActJepa(tiny_config(), stats).eval()
    obs = torch.randn(2, 4)
    goal = torch.randn(2, 4)
    actions, built = [], []
    for task in ("point_mass", "same_point"):
        with envs.make(task, num_envs=2) as env:
            env.reset([0, 1])
            controller = build_controller(name, model, env, CONTROL)
            built.append((type(controller), controller.cfg))
            controller.reset(obs, goal, seeds=[5, 6])
            if name != "oracle":
                with torch.inference_mode():
                    actions.append(np.asarray(controller.act(obs)))
    assert built[0] == built[1]  # same controller class, same settings (bounds included)
    if actions:
        np.testing.assert_array_equal(actions[0], actions[1])  # same inputs, same actions: no task-specific path
