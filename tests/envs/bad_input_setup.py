"""The rows of the envs bad-input table (test_bad_input.py) and their prepare steps: the files, tasks and settings
an input needs. A step is `prepare(tmp_path, monkeypatch)` and returns what the bad call receives.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from actjepa import envs
from actjepa.envs.dataset import load_dataset
from tests.envs.test_dataset import synthetic, write
from tests.envs.test_gym_adapter import SlideToGoal
from tests.envs.test_importers import tiny_point_arrays
from tests.envs.tiny_goal_env import TinyPointGoal, register

Prepare = Callable[[Path, pytest.MonkeyPatch], Any]
"A prepare step: (test folder, monkeypatch) -> the argument of the bad call."


@dataclass(frozen=True)
class Bad:
    """One bad input: `call(prepare(tmp_path, monkeypatch))` raises `error`, whose message names `word`."""

    call: Callable[[Any], object]
    "The bad call."
    error: type[Exception]
    "The error it must raise."
    word: str
    "What its message must name: the option, the thing that is wrong, or the fix."
    prepare: Prepare = lambda tmp, mp: tmp
    "What the call needs first (by default it gets the test folder)."
    fixtures: tuple[str, ...] = ()
    "Fixtures the input needs (e.g. a local Minari store)."


def dataset_file(damage: Callable[[h5py.File], object] | None = None) -> Prepare:
    """A valid dataset file in the test folder, changed by `damage`."""

    def prepare(tmp: Path, mp) -> Path:
        path = write(tmp / "d.h5", synthetic())
        if damage is not None:
            with h5py.File(path, "a") as f:
                damage(f)
        return path

    return prepare


def file_bytes(content: bytes | None = None, fraction: float | None = None) -> Prepare:
    """A file of `content`, or the first `fraction` of a valid dataset file."""

    def prepare(tmp: Path, mp) -> Path:
        path = tmp / "d.h5"
        if fraction is None:
            path.write_bytes(content)
        else:
            raw = write(path, synthetic()).read_bytes()
            path.write_bytes(raw[: int(len(raw) * fraction)])
        return path

    return prepare


def new_array(f: h5py.File, name: str, **kwargs) -> None:
    """Replace the array `name` of an open dataset file."""
    del f[name]
    f.create_dataset(name, **kwargs)


def user_file(name: str) -> Prepare:
    """A user's file `name` in the test folder (its path is the argument)."""

    def prepare(tmp: Path, mp) -> Path:
        (tmp / name).write_text("user data")
        return tmp / name

    return prepare


def registered(name: str, **options) -> Prepare:
    """The tiny task registered as `name` with `options`."""

    def prepare(tmp: Path, mp) -> Path:
        register(name, **options)
        return tmp

    return prepare


def slide_env(tmp: Path, mp) -> envs.GoalVecEnv:
    """A reset 2-env batch of an adapter task without a MuJoCo simulator (so without an oracle)."""
    envs.register_task(
        "slide", SlideToGoal, lambda env, goal: goal.copy(), success_radius=0.05, max_episode_steps=5, overwrite=True
    )
    env = envs.make("slide", num_envs=2)
    env.reset([0, 1])
    return env


def task_module(source: str) -> Prepare:
    """ACTJEPA_TASK_MODULES names a module made of `source`."""

    def prepare(tmp: Path, mp: pytest.MonkeyPatch) -> None:
        (tmp / "broken_tasks_module.py").write_text(source)
        mp.setattr(sys, "dont_write_bytecode", True)  # the folder must stay as it is
        mp.syspath_prepend(str(tmp))
        mp.setenv("ACTJEPA_TASK_MODULES", "broken_tasks_module")

    return prepare


def array_file(change: Callable[[dict], object] = lambda arrays: None, taken: bool = False) -> Prepare:
    """tiny_point's episodes as bad.npz, changed by `change`; with `taken`, d.h5 already exists."""

    def prepare(tmp: Path, mp) -> Path:
        register("tiny_point")
        data = tiny_point_arrays()
        change(data)
        np.savez(tmp / "bad.npz", **data)
        if taken:
            (tmp / "d.h5").write_text("user data")
        return tmp

    return prepare


def expert_registration(expert) -> Prepare:
    """The registration of a task `tiny_bad` with this expert, to be called."""
    return lambda tmp, mp: functools.partial(register, "tiny_bad", expert=expert)


def full_disk(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    """A disk with 1 MB free."""
    from collections import namedtuple

    from actjepa.envs.dataset import size

    usage = namedtuple("Usage", "total used free")(10**9, 10**9 - 10**6, 10**6)
    mp.setattr(size.shutil, "disk_usage", lambda path: usage)
    return tmp


def loaded_dataset(tmp: Path, mp) -> Any:
    """A valid dataset of task reacher, loaded."""
    return load_dataset(write(tmp / "d.h5", synthetic()))


class PlainObs(TinyPointGoal):
    """An env whose reset returns a plain observation instead of a goal dict."""

    def reset(self, *, seed=None, options=None):
        return super().reset(seed=seed)[0]["observation"], {}


def files_under(folder: Path) -> dict[str, tuple[bytes | bool, int]]:
    """Every file and folder under `folder` with its mode, and a file's bytes (what a refused call must not change)."""
    return {str(p.relative_to(folder)): (p.is_file() and p.read_bytes(), p.stat().st_mode) for p in folder.rglob("*")}
