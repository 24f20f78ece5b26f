"""The options every command shows: each one can be set (none is shown only to be refused), and the help lists
the option set and every registered protocol."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

import pytest

from actjepa.benchmarks.cli import COMMANDS, _command_class, main
from actjepa.benchmarks.cli.options import Option, options, value_at
from actjepa.benchmarks.cli.parsing import parse, to_args
from actjepa.benchmarks.experiments.protocols import PROTOCOLS

ACCEPTED_TEXT = {
    "--task": "point_mass",
    "--source": "play",
    "--obs-mode": "pixels",
    "--format": "npz",
    "--goal-observations": "final",
    "--baseline": "bc",
    "--preset": "demo",
    "--device": "cuda",
    "--regularizer": "sigreg",
    "--controller": "cem",
    "--controllers": "cem",
    "--split": "validation",
    "--cost": "l1",
    "--select": "best",
    "--compile": "off",
    "--protocol": "compare",
    "--regimes": "play",
    "--obs": "pixels",
    "--dataset": "pointmaze-large-navigate-v0",
    "--baseline-controllers": "mppi",
    "--horizon-planners": "cem",
}
"""A value each text option accepts other than its default (its type alone cannot tell one), by the option's
name without its prefix (--eval.control.planner.cost reads as --cost)."""


def _kinds(hint) -> list:
    """The types a field takes besides None (`int | None` -> [int])."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return [a for a in typing.get_args(hint) if a is not type(None)]
    return [hint]


def _other_value(option: Option, default) -> list[str]:
    """Command-line words that set `option` to a value other than `default`, from its type."""
    kind = _kinds(option.hint)[0]
    origin = typing.get_origin(kind)
    if kind is bool:  # a switch flips with --x / --no-x below; other bools take True or False
        return ["True"] if default is None else [str(not default)]
    if kind is int:
        return [str(1 if default is None else default + 1)]
    if kind is float:
        return [str(default / 2 if default else 0.1)]
    if kind is Path:
        return ["elsewhere"]
    if origin is tuple and typing.get_args(kind)[0] is int:
        return [str(v + 1) for v in default] if default else ["1"]
    name = "--" + option.flag[2:].rsplit(".", 1)[-1]
    assert name in ACCEPTED_TEXT, f"{option.flag}: add a value it accepts to ACCEPTED_TEXT"
    return [ACCEPTED_TEXT[name]]


def _bool_flag(option: Option, default: bool) -> str:
    return option.negation if default else option.flag


def _required(command: type) -> list[str]:
    """Words for the options without a default, each set from its type."""
    return [word for o in options(command) if o.required for word in (o.flag, *_other_value(o, None))]


COMMAND_WORDS = [pytest.param(words, id=" ".join(words)) for words in COMMANDS]


@pytest.mark.parametrize("words", COMMAND_WORDS)
def test_no_shown_option_is_always_refused(words):
    """Every option takes a value other than its default, and that value reaches its field (the options without
    a default take theirs in `required`)."""
    command = _command_class(COMMANDS[words])
    required = _required(command)
    defaults = parse(command, required, prog="actjepa")
    for option in filter(lambda o: not o.required, options(command)):
        default = value_at(defaults, option.path)
        words_ = [_bool_flag(option, default)] if option.switch else []
        argv = words_ or [option.flag, *_other_value(option, default)]
        parsed = parse(command, [*required, *argv], prog="actjepa")  # a refusal raises here
        assert value_at(parsed, option.path) != default, f"{' '.join(words)} {' '.join(argv)} did not change it"
        assert parse(command, to_args(parsed), prog="actjepa") == parsed


def _help(capsys, words: tuple[str, ...]) -> str:
    with pytest.raises(SystemExit) as exc:
        main([*words, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("words", COMMAND_WORDS)
def test_help_shows_exactly_the_options_of_the_command(capsys, words):
    """Each option's line starts with its first name (an alias, where it has one); wrapped help text is indented
    further."""
    shown = set(re.findall(r"^[│ ]{0,3}(--[a-z][a-z0-9.-]*)", _help(capsys, words), re.M)) - {"--help"}
    assert shown == {(*option.aliases, option.flag)[0] for option in options(_command_class(COMMANDS[words]))}


def test_eval_keeps_what_the_controller_and_task_decide_off_the_command_line(capsys):
    text = _help(capsys, ("eval",))
    for flag in ("--method", "--action-low", "--action-high"):
        assert flag not in text
    command = parse(_command_class(COMMANDS[("eval",)]), ["--checkpoint", "c", "--out", "o"], prog="actjepa eval")
    planner = command.eval.control.planner
    assert (planner.method, planner.action_low, planner.action_high) == ("mppi", -1.0, 1.0)  # the library's defaults
    with pytest.raises(SystemExit):
        main(["eval", "--checkpoint", "c", "--out", "o", "--method", "cem"])
    assert "--method" in capsys.readouterr().err


def test_reproduce_help_lists_every_protocol(capsys):
    text = " ".join(_help(capsys, ("reproduce",)).split())
    protocol_help = text[text.index("--protocol") : text.index("(default: full)")]
    assert len(PROTOCOLS) == 8
    for name in PROTOCOLS:
        assert re.search(rf"\b{name}\b", protocol_help), name
