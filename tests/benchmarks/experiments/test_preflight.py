"""`reproduce` and `demo` check everything before creating (or, with --force, removing) any folder."""

from dataclasses import replace

import pytest

from actjepa.benchmarks.cli import main
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.preflight import protocol_controllers
from actjepa.benchmarks.experiments.protocols import PROTOCOLS, protocol
from tests.benchmarks.user_tasks import register_slide


def _run(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    err = capsys.readouterr().err.strip()
    assert info.value.code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err
    return err


def test_controllers_of_each_protocol():
    assert protocol_controllers(PROTOCOLS["compare"]) == ("policy", "mppi+prior", "oracle", "oracle+cost")
    efficiency_only = replace(PROTOCOLS["compare"], eval=EvalConfig(controllers=("cem",)), data_efficiency_demos=(10,))
    assert protocol_controllers(efficiency_only) == ("cem", "policy", "mppi+prior")
    assert set(protocol_controllers(PROTOCOLS["demo"])) == {"policy", "mppi", "mppi+prior", "oracle"}


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


@pytest.mark.parametrize(
    "task, extra, message",
    [
        ("preflight_no_expert", (), "task 'preflight_no_expert' has no expert, and a protocol collects"),
        ("preflight_slide", (), "the oracle is not available for task 'preflight_slide': its env is not MuJoCo-based"),
        ("reacher", ("--device", "tpu"), "--device 'tpu' is not a device"),
        ("reacher", ("--steps", "0"), "--steps must be at least 1, got 0"),
        ("reacher", ("--batch-size", "1"), "--batch-size must be at least 2, got 1"),
        ("reacher", ("--preset", "huge"), "training preset 'huge' is unknown; use one of default, demo"),
        ("no_such_task", (), "unknown task 'no_such_task'"),
        ("reacher", ("--demos", "25", "0"), "demonstration count 0 is outside 1-200"),
        ("reacher", ("--demos", "201"), "demonstration count 201 is outside 1-200"),
        ("reacher", ("--budgets", "64", "0"), "sample budget 0 is not a positive count; choose --budgets of 1"),
        ("reacher", ("--protocol", "ablation", "--budgets", "64"), "run it with --protocol compare"),
    ],
)
def test_reproduce_refuses_before_creating_folders(capsys, tmp_path, task, extra, message):
    register_slide("preflight_no_expert", with_expert=False)
    register_slide("preflight_slide")
    work, report = tmp_path / "work", tmp_path / "report"
    err = _run(
        capsys,
        "reproduce",
        "--task",
        task,
        "--protocol",
        "compare",
        "--workdir",
        str(work),
        "--report",
        str(report),
        *extra,
    )
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_force_removes_nothing_when_a_check_fails(capsys, tmp_path):
    register_slide("preflight_slide")
    work, report = tmp_path / "work", tmp_path / "report"
    for folder in (work, report):
        folder.mkdir()
        (folder / "kept.json").write_text("{}")
    _run(
        capsys,
        "reproduce",
        "--task",
        "preflight_slide",
        "--protocol",
        "compare",
        "--workdir",
        str(work),
        "--report",
        str(report),
        "--force",
    )
    assert (work / "kept.json").read_text() == "{}" and (report / "kept.json").read_text() == "{}"


def test_a_file_where_a_folder_goes_is_refused(capsys, tmp_path):
    (tmp_path / "work").write_text("mine")
    err = _run(
        capsys,
        "reproduce",
        "--task",
        "reacher",
        "--protocol",
        "compare",
        "--workdir",
        str(tmp_path / "work"),
        "--report",
        str(tmp_path / "report"),
    )
    assert "is a file, not a folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"] and (tmp_path / "work").read_text() == "mine"
