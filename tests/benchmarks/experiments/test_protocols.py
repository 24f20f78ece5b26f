"""Named protocols: their settings, and the overrides `reproduce` passes."""

from __future__ import annotations

from actjepa.benchmarks.evaluation.config import EVAL_CONTROLLERS
from actjepa.benchmarks.experiments.protocols import PROTOCOLS, protocol


def test_protocols_hold_their_experiments():
    assert (
        set(PROTOCOLS["demo"].eval.controllers) < set(EVAL_CONTROLLERS)
        and PROTOCOLS["demo"].horizon_planners == ("mppi", "mppi+prior")  # the horizon figure shows what the prior buys
        and PROTOCOLS["demo"].eval.control.planner.compile == "off"
        and PROTOCOLS["demo"].train.preset == "demo"
    )
    assert PROTOCOLS["compare"].horizons == () and PROTOCOLS["compare"].eval.episodes == 50
    for name in ("demo", "compare"):  # every controller table shows what the task scores without a model
        assert {"zero", "random"} <= set(PROTOCOLS[name].eval.controllers)
    assert PROTOCOLS["efficiency"].data_efficiency_demos == (10, 25, 50)
    full = PROTOCOLS["full"]
    assert full.budgets == (16, 32, 64, 128, 256, 512) and full.eval.episodes == 100
    assert full.eval.control.planner.num_samples == 512 and full.eval.control.replan_every == 4


def test_overrides_reach_training_and_evaluation():
    cfg = protocol("compare", task="maze", train_steps=7, device="cuda")
    assert cfg.task == "maze" and cfg.train.config.steps == 7
    assert cfg.train.config.device == "cuda" and cfg.eval.device == "cuda"
    assert protocol("compare") == PROTOCOLS["compare"]
