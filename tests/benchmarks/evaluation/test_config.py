"""One budget, one planner: evaluation, protocols and the planner benchmark derive the same settings."""

from __future__ import annotations

import pytest

import actjepa.benchmarks.perf.planner as bench
from actjepa.benchmarks.cli.evaluate import EvalCommand
from actjepa.benchmarks.cli.parsing import parse
from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.controllers import controller_config
from actjepa.benchmarks.experiments.pipeline import Pipeline
from actjepa.benchmarks.experiments.protocols import protocol
from actjepa.planner import ControllerConfig, PlannerConfig


@pytest.mark.parametrize("budget", [(256, 16, 4), (512, 16, 6), (64, 8, 2)])
def test_eval_protocols_and_bench_build_identical_planner_configs(tmp_path, budget):
    num, horizon, iterations = budget
    command = parse(
        EvalCommand,
        [
            "--checkpoint",
            "c",
            "--out",
            "o",
            "--num-samples",
            str(num),
            "--horizon",
            str(horizon),
            "--iterations",
            str(iterations),
        ],
        prog="actjepa eval",
    )
    from_eval = controller_config(command.eval.control, "mppi+prior").planner
    base = protocol("full").eval.with_budget(num_samples=num, horizon=horizon, iterations=iterations)
    pipeline = Pipeline(protocol("full"), tmp_path, tmp_path)
    from_protocol = controller_config(
        pipeline.eval_config(("mppi+prior",), 10)
        .with_budget(num_samples=num, horizon=horizon, iterations=iterations)
        .control,
        "mppi+prior",
    ).planner
    from_sweep_base = controller_config(base.control, "mppi+prior").planner
    from_bench = bench.planner_config(budget, replan_every=4)
    assert from_eval == from_protocol == from_sweep_base == from_bench
    assert from_bench.num_elites == min(64, num // 8) and from_bench.num_prior_trajectories == min(24, num // 8)


def test_bench_default_budget_is_the_evaluated_default():
    default = EvalConfig().control.planner
    assert bench.DEFAULT_BUDGET == (default.num_samples, default.horizon, default.iterations)


def test_settings_record_is_flat_and_lists_only_real_overrides():
    plain = EvalConfig(episodes=3, batch_size=2)
    assert plain.settings() == {
        "episodes": 3,
        "split": "test",
        "batch_size": 2,
        "device": "cpu",
        "seed": 0,
        "replan_every": 4,
        "num_samples": 512,
        "horizon": 16,
        "iterations": 6,
        "planner_overrides": {},
    }
    control = ControllerConfig(planner=PlannerConfig(num_samples=64, temperature=0.3, num_elites=4), seed=5)
    tuned = EvalConfig(control=control)
    assert tuned.settings()["planner_overrides"] == {"temperature": 0.3, "num_elites": 4}
    assert tuned.settings()["seed"] == 5 and tuned.seed == 5


def test_with_budget_rederives_elites_keeps_other_settings_and_clamps_replanning():
    control = ControllerConfig(planner=PlannerConfig(num_samples=512, temperature=0.2), replan_every=4)
    short = EvalConfig(control=control).with_budget(horizon=2, num_samples=128)
    assert short.control.replan_every == 2 and short.control.planner.horizon == 2
    assert short.control.planner.num_elites == 16 and short.control.planner.temperature == 0.2


def test_controller_settings_follow_the_name():
    control = ControllerConfig(planner=PlannerConfig(num_samples=128))
    assert controller_config(control, "cem").planner.method == "cem"
    assert controller_config(control, "cem").planner.num_prior_trajectories == 0
    assert controller_config(control, "cem+prior").planner.num_prior_trajectories == 16
    assert controller_config(control, "oracle").planner.method == "mppi"


@pytest.mark.parametrize(
    "planner, message",
    [
        (PlannerConfig(method="cem"), "set by the controller name"),
        (PlannerConfig(action_low=-2.0), "task's action range"),
    ],
)
def test_settings_that_the_controller_or_task_decide_are_refused(planner, message):
    with pytest.raises(UserError, match=message):
        EvalConfig(control=ControllerConfig(planner=planner))
