"""The controllers a protocol runs and reproduce's choices in its place (refusals: cli/test_bad_input.py)."""

from dataclasses import replace

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.preflight import protocol_controllers
from actjepa.benchmarks.experiments.protocols import PROTOCOLS, protocol


def test_controllers_of_each_protocol():
    assert protocol_controllers(PROTOCOLS["compare"]) == ("policy", "mppi+prior", "oracle", "oracle+cost")
    efficiency_only = replace(PROTOCOLS["compare"], eval=EvalConfig(controllers=("cem",)), data_efficiency_demos=(10,))
    assert protocol_controllers(efficiency_only) == ("cem", "policy", "mppi+prior")
    assert set(protocol_controllers(PROTOCOLS["demo"])) == {"policy", "mppi", "mppi+prior", "oracle"}


def test_reproduce_choices_replace_the_protocols():
    from actjepa.benchmarks.cli.protocols import ReproduceCommand

    base = protocol("compare", task="push", device="cpu")
    chosen = {"batch_size": 64, "baseline": True, "obs": "pixels", "seeds": (4,), "preset": "default", "demos": (7,)}
    chosen["obs_noise"] = 0.1
    cfg = ReproduceCommand("push", "compare", budgets=(16, 64), split="validation", **chosen).config()
    assert cfg.eval.split == "validation" and base.eval.split == "test"
    assert (cfg.task, cfg.train.batch_size, cfg.baseline, cfg.obs_mode, cfg.seeds) == ("push", 64, True, "pixels", (4,))
    assert cfg.data_efficiency_demos == (7,) and base.data_efficiency_demos == ()
    assert cfg.budgets == (16, 64) and base.budgets == ()
    assert base.train.preset == "demo" and cfg.train.preset == "default"
    kept = replace(
        cfg,
        task=base.task,
        eval=base.eval,
        train=base.train,
        baseline=False,
        obs_mode="state",
        seeds=base.seeds,
        data_efficiency_demos=(),
        budgets=(),
    )
    assert cfg.train.obs_noise == 0.1 and base.train.obs_noise is None
    assert kept == base and replace(cfg.train, batch_size=None, preset="demo", obs_noise=None) == base.train
    assert ReproduceCommand("reacher", "compare").config() == protocol("compare", task="reacher", device="cpu")
