"""Each training setting is declared once: walking the settings dataclasses of the training commands (world_model's
TrainConfig and its groups, benchmarks' TrainSettings, the protocol and the commands holding them) finds no field
name declared in two of them. Nested settings are held as a whole (a field of the dataclass type), never restated.

The evaluation's settings (EvalConfig and the planner's, which a protocol holds as `eval`) are a family of their
own, declared in benchmarks/evaluation and planner/: their batch size, seed and device are the evaluation's, and
`actjepa reproduce` shows them under the `eval.` prefix."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections import defaultdict

import pytest

from actjepa.benchmarks.cli.protocols import DemoCommand, ReproduceCommand
from actjepa.benchmarks.cli.train import TrainCommand
from actjepa.benchmarks.evaluation.config import EvalConfig

ROOTS = (TrainCommand, ReproduceCommand, DemoCommand)
SEPARATE = (EvalConfig,)


def _dataclass_in(hint) -> type | None:
    """The dataclass a field holds (through Annotated, Optional and unions), or None for a plain value."""
    if typing.get_origin(hint) is typing.Annotated:
        return _dataclass_in(typing.get_args(hint)[0])
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        found = [_dataclass_in(arg) for arg in typing.get_args(hint)]
        return next((cls for cls in found if cls is not None), None)
    return hint if isinstance(hint, type) and dataclasses.is_dataclass(hint) else None


def declarations(root: type) -> dict[str, set[str]]:
    """Field name -> the settings dataclasses under `root` that declare a field of that name (holders of nested
    settings excluded: they restate nothing)."""
    found: dict[str, set[str]] = defaultdict(set)
    todo, seen = [root], set()
    while todo:
        cls = todo.pop()
        if cls in seen or cls in SEPARATE:
            continue
        seen.add(cls)
        hints = typing.get_type_hints(cls, include_extras=True)
        for spec in dataclasses.fields(cls):
            nested = _dataclass_in(hints[spec.name])
            if nested is not None:
                todo.append(nested)
            else:
                found[spec.name].add(cls.__qualname__)
    return found


def test_no_training_setting_is_declared_twice():
    everywhere: dict[str, set[str]] = defaultdict(set)
    for root in ROOTS:
        twice = {name: owners for name, owners in declarations(root).items() if len(owners) > 1}
        assert not twice, f"{root.__name__}: {twice}"
        for name, owners in declarations(root).items():
            everywhere[name] |= owners
    for name in ("image_shift", "obs_noise", "regularizer_weight", "steps", "batch_size", "lr", "seed"):
        assert len(everywhere[name]) == 1, (name, everywhere[name])
    assert everywhere["obs_noise"] == {"LossSettings"} and everywhere["batch_size"] == {"Optimisation"}


@dataclasses.dataclass
class _Inner:
    obs_noise: float = 0.0


@dataclasses.dataclass
class _Outer:
    inner: _Inner | None = None
    obs_noise: float | None = None


def test_the_walk_finds_a_restated_field():
    assert declarations(_Outer)["obs_noise"] == {"_Inner", "_Outer"}


@pytest.mark.parametrize("command", ["train", "reproduce"])
def test_the_options_users_know_still_parse(command):
    from actjepa.benchmarks.cli.parsing import parse

    required = ["--data", "d.h5", "--out", "o"] if command == "train" else ["--task", "reacher"]
    options = ["--steps", "7", "--batch-size", "16", "--obs-noise", "0.1", "--regularizer-weight", "0.5", "--preset",
               "demo", "--image-shift", "0", "--seed", "3", "--device", "cpu", "--regularizer", "sigreg"]  # fmt: skip
    if command == "reproduce":
        options += ["--obs", "state", "--demos", "5", "--baseline", "False", "--controllers", "policy", "--split",
                    "validation", "--budgets", "8", "--regimes", "expert", "--seeds", "1", "2"]  # fmt: skip
    cls = TrainCommand if command == "train" else ReproduceCommand
    parsed = parse(cls, required + options, prog=f"actjepa {command}")
    settings = parsed.request.settings if command == "train" else parsed.settings.train
    assert settings.preset == "demo" and settings.regularizer == "sigreg"
    assert settings.changed() == {"steps": 7, "batch_size": 16, "obs_noise": 0.1, "regularizer_weight": 0.5, "seed": 3}
