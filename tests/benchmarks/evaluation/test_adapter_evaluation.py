"""Evaluating adapter tasks: the oracle is refused before any controller runs, and every env is closed."""

import pytest

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.run import evaluate
from actjepa.envs.errors import EnvError
from actjepa.planner import ControllerConfig, PlannerConfig
from tests.benchmarks.user_tasks import register_point, register_slide

SMALL = ControllerConfig(planner=PlannerConfig(num_samples=32, horizon=4, iterations=2))


def test_oracle_is_refused_before_any_controller_runs():
    counter = register_slide("eval_slide")
    cfg = EvalConfig(controllers=("policy", "mppi", "oracle"), episodes=2, batch_size=2)
    with pytest.raises(EnvError, match="not MuJoCo") as info:
        evaluate(None, {"task": "eval_slide", "obs_mode": "state"}, cfg, progress=False)
    assert "\n" not in str(info.value)
    assert counter.made == []  # no controller ran: not a single environment was made


def test_oracle_on_a_mujoco_adapter_task_and_every_env_closed():
    counter = register_point("eval_point")
    cfg = EvalConfig(controllers=("oracle",), episodes=3, batch_size=2, control=SMALL)
    results = evaluate(None, {"task": "eval_point", "obs_mode": "state"}, cfg, progress=False)
    oracle = results["controllers"]["oracle"]
    assert results["task"] == "eval_point" and oracle["episodes"] == 3
    assert oracle["success_rate"] >= 2 / 3 and oracle["mean_final_distance"] < 0.05, oracle
    assert len(counter.made) == 3 and counter.open == 0  # batches of 2 and 1, each closed
