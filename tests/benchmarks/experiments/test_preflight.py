"""The controllers a protocol runs and reproduce's choices in its place (refusals: cli/test_bad_input.py)."""

from dataclasses import replace

import pytest

from actjepa.benchmarks.cli import main
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.preflight import protocol_controllers
from actjepa.benchmarks.experiments.protocols import PROTOCOLS, protocol


def test_controllers_of_each_protocol():
    assert protocol_controllers(PROTOCOLS["compare"]) == (
        "policy", "mppi+prior", "oracle", "oracle+cost", "zero", "random"
    )  # fmt: skip
    efficiency_only = replace(PROTOCOLS["compare"], eval=EvalConfig(controllers=("cem",)), data_efficiency_demos=(10,))
    assert protocol_controllers(efficiency_only) == ("cem", "policy", "mppi+prior")
    assert set(protocol_controllers(PROTOCOLS["demo"])) == {"policy", "mppi", "mppi+prior", "oracle", "zero", "random"}


def test_reproduce_choices_replace_the_protocols():
    from actjepa.benchmarks.cli.parsing import parse
    from actjepa.benchmarks.cli.protocols import ReproduceCommand

    def reproduce(*args: str):
        return parse(ReproduceCommand, list(args), prog="actjepa reproduce").config()

    base = protocol("compare", task="push", device="cpu")
    chosen = ("--batch-size", "64", "--baseline", "True", "--obs", "pixels", "--seeds", "4", "--preset", "default")
    cfg = reproduce("--task", "push", "--protocol", "compare", "--budgets", "16", "64", "--split", "validation",
                    "--demos", "7", "--obs-noise", "0.1", *chosen)  # fmt: skip
    assert cfg.eval.split == "validation" and base.eval.split == "test"
    assert (cfg.task, cfg.train.config.optim.batch_size, cfg.baseline, cfg.obs_mode, cfg.seeds) == (
        "push", 64, True, "pixels", (4,)
    )  # fmt: skip
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
    assert cfg.train.changed() == {"batch_size": 64, "obs_noise": 0.1} and base.train.changed() == {}
    assert kept == base and cfg.train.config == PROTOCOLS["full"].train.config.with_changes(
        batch_size=64, obs_noise=0.1
    )
    assert reproduce("--task", "reacher", "--protocol", "compare") == protocol("compare", task="reacher", device="cpu")
    on_gpu = reproduce("--task", "reacher", "--device", "cuda", "--controller", "policy", "--controller", "cem")
    assert on_gpu.train.config.device == on_gpu.eval.device == "cuda" and on_gpu.eval.controllers == ("policy", "cem")
    assert reproduce("--task", "reacher", "--controllers", "policy", "cem").eval.controllers == ("policy", "cem")


def test_reproduce_shows_the_chosen_protocols_settings_as_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["reproduce", "--protocol", "efficiency", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--demos [INT [INT ...]], --data-efficiency-demos [INT [INT ...]]" in out
    assert "(default: 10 25 50)" in out and "(default: 800)" in out  # the protocol's demonstrations, demo training
    with pytest.raises(SystemExit):
        main(["reproduce", "--protocol", "efficiency", "--preset", "default", "--help"])
    assert "(default: 3000)" in capsys.readouterr().out
