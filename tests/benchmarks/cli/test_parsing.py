"""Options generated from the dataclasses: repeated options, one-line parse errors, every README command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actjepa.benchmarks.cli import COMMANDS, _command_class, _find, main
from actjepa.benchmarks.cli.evaluate import EvalCommand
from actjepa.benchmarks.cli.parsing import merge_repeated, parse
from actjepa.planner import CONTROLLER_NAMES

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
"The README and the guides it links to, whose `actjepa` commands must all parse."


@given(st.lists(st.sampled_from(CONTROLLER_NAMES), min_size=1, max_size=6), st.integers(0, 6))
def test_repeated_controller_options_keep_every_name_in_order(names, split):
    args = ["--checkpoint", "c", "--out", "o"]
    for i, name in enumerate(names):
        args += ["--controller", name] + (["--episodes", "3"] if i == split else [])
    command = parse(EvalCommand, args, prog="actjepa eval")
    assert command.eval.controllers == tuple(names)


def test_merge_repeated_accepts_equals_and_lists():
    assert merge_repeated(["--controller=policy", "--x", "1", "--controller", "cem", "mppi"]) == [
        "--x",
        "1",
        "--controller",
        "policy",
        "cem",
        "mppi",
    ]


def _readme_commands() -> list[list[str]]:
    text = "\n".join(path.read_text() for path in DOCUMENTS).replace("\\\n", " ")  # continuation lines joined
    lines = re.findall(r"^(?:ACTJEPA_TASK_MODULES=\S+ )?actjepa (\S.*?)(?:\s+#.*)?$", text, re.M)
    commands = []
    for line in lines:
        line = re.sub(r"\[[^\]]*\]", "", line).replace("maze|push", "maze")  # optional parts, alternatives
        commands.append(shlex.split(line))
    return commands


def test_every_readme_command_parses():
    commands = _readme_commands()
    assert len(commands) >= 10
    for argv in commands:
        words, rest = _find(argv)
        assert words, f"README command `actjepa {' '.join(argv)}` names no command"
        parse(_command_class(COMMANDS[words]), rest, prog="actjepa")


def test_readme_eval_options_reach_the_config():
    command = parse(
        EvalCommand,
        [
            "--checkpoint",
            "runs/reacher",
            "--controller",
            "mppi+prior",
            "--controller",
            "policy",
            "--episodes",
            "100",
            "--out",
            "results/reacher",
            "--num-samples",
            "64",
            "--horizon",
            "8",
            "--replan-every",
            "2",
            "--device",
            "cpu",
        ],
        prog="actjepa eval",
    )
    cfg = command.eval
    assert cfg.controllers == ("mppi+prior", "policy") and cfg.episodes == 100 and cfg.device == "cpu"
    assert (cfg.control.planner.num_samples, cfg.control.planner.horizon, cfg.control.replan_every) == (64, 8, 2)


def test_help_goes_to_stdout_with_field_docstrings(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert "--num-samples" in out and "N: action sequences scored per iteration" in out
    main([])
    assert "bench planner" in capsys.readouterr().out


def test_readme_train_options_reach_the_request():
    from actjepa.benchmarks.cli.train import TrainCommand

    command = parse(
        TrainCommand,
        ["--data", "d.h5", "--out", "o", "--baseline", "bc", "--steps", "10", "--device", "cuda", "--no-progress"],
        prog="actjepa train",
    )
    assert command.request.baseline == "bc" and command.request.settings.config.steps == 10
    assert command.request.settings.config.device == "cuda" and command.progress is False


def test_the_preset_gives_the_training_options_their_defaults(capsys):
    from actjepa.benchmarks.cli.train import TrainCommand
    from actjepa.world_model.training.config import PRESETS

    args = ["--data", "d.h5", "--out", "o", "--preset", "demo", "--lr", "0.003", "--obs-noise", "0.1"]
    settings = parse(TrainCommand, args, prog="actjepa train").request.settings
    assert settings.preset == "demo" and settings.config == PRESETS["demo"].with_changes(lr=0.003, obs_noise=0.1)
    assert settings.changed() == {"lr": 0.003, "obs_noise": 0.1}
    with pytest.raises(SystemExit):
        main(["train", "--preset", "demo", "--help"])
    out = capsys.readouterr().out
    assert "(default: 800)" in out and "(default: 3000)" not in out  # the demo preset's steps


@pytest.mark.parametrize(
    "args",
    [
        ["--data", "d.h5", "--out", "o"],
        ["--data", "d.h5", "--out", "o", "--no-progress", "--resume", "--steps", "7", "--lr", "0.003"],
        ["--data", "d.h5", "--out", "o", "--baseline", "bc", "--force", "--val-fraction", "0.25", "--device", "cuda"],
        ["--data", "d.h5", "--out", "o", "--nproc-per-node", "2", "--batch-size", "8", "--regularizer", "sigreg"],
    ],
)
def test_to_args_reads_back_into_the_same_command(args):
    from actjepa.benchmarks.cli.parsing import to_args
    from actjepa.benchmarks.cli.train import TrainCommand

    command = parse(TrainCommand, args, prog="actjepa train")
    assert parse(TrainCommand, to_args(command), prog="actjepa train") == command
    assert len(to_args(command)) <= len(args)  # defaults are left out


def test_to_args_keeps_a_value_that_is_the_fields_default_but_not_the_presets():
    from actjepa.benchmarks.cli.parsing import to_args
    from actjepa.benchmarks.cli.train import TrainCommand

    command = parse(TrainCommand, ["--data", "d.h5", "--out", "o", "--preset", "demo", "--steps", "3000"], prog="t")
    assert command.request.settings.config.steps == 3000  # the demo preset's is 800
    assert parse(TrainCommand, to_args(command), prog="actjepa train") == command
