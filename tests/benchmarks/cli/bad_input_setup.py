"""The rows of the command-line bad-input table (test_bad_input.py) and their prepare steps.

A row is a command line with placeholders ({t} the test folder, {d} a point-mass dataset, {c} a checkpoint trained
on it, {u} a folder nobody can write to) and the word its one error line must name. A prepare step,
`prepare(names, monkeypatch)`, makes what the input needs (files in {t}, registered tasks, a patched machine).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pytest

from tests.benchmarks.cli.conftest import invoke
from tests.benchmarks.user_tasks import register_slide

Prepare = Callable[[Mapping[str, Path], pytest.MonkeyPatch], object]
"A prepare step: (placeholder -> path, monkeypatch) -> ignored."


@dataclass(frozen=True)
class Bad:
    """One bad command line: it exits with 2 and one `actjepa: error:` line that names `word`, writing nothing."""

    args: str
    "The command line after `actjepa`, with placeholders."
    word: str
    "What the error line must name: the option, the thing that is wrong, or the fix (placeholders allowed)."
    prepare: Prepare | None = None
    "What the input needs first."
    cpu_only: bool = False
    "Meaningful only on a machine without CUDA (e.g. --device cuda refused)."


def places(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
    """A plain file, an empty folder, a results.json folder and a taken JSON file in {t}, to misuse as outputs."""
    t = names["t"]
    (t / "afile").write_text("mine\n")
    (t / "adir").mkdir()
    (t / "taken" / "results.json").mkdir(parents=True)
    (t / "existing.json").write_text("{}\n")


def files(contents: Mapping[str, str | bytes]) -> Prepare:
    """Files in {t} (relative path -> text or bytes)."""

    def prepare(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
        for relative, content in contents.items():
            path = names["t"] / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())

    return prepare


def dataset_copy(schema_version: int | None = None) -> Prepare:
    """{t}/d.h5: a copy of the dataset, with another schema version when given."""

    def prepare(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
        shutil.copy(names["d"], names["t"] / "d.h5")
        if schema_version is not None:
            with h5py.File(names["t"] / "d.h5", "a") as handle:
                handle.attrs["schema_version"] = schema_version

    return prepare


def foreign_file(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
    """{t}/theirs.h5: an HDF5 file of actions made by another program."""
    with h5py.File(names["t"] / "theirs.h5", "w") as handle:
        handle.attrs["task"] = "reacher"
        handle["actions"] = np.zeros((2, 3, 2))


def checkpoint_copy(change: str = "", data: tuple[str, ...] = ()) -> Prepare:
    """{t}/run: a copy of the checkpoint; `change` 'no-model' drops its weights, 'decoder' adds a decoder file;
    `data` collects a dataset {t}/other.h5 with these `actjepa collect` options."""

    def prepare(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
        run = names["t"] / "run"
        shutil.copytree(names["c"], run)
        if change == "no-model":
            (run / "model.safetensors").unlink()
        if change == "decoder":
            (run / "decoder.json").write_text("{}")
        if data:
            args = ("collect", *data, "--episodes", "2", "--out", names["t"] / "other.h5", "--no-progress")
            assert invoke(*args)[0] == 0

    return prepare


def user_module(name: str, body: str) -> Prepare:
    """A task module `name` in the user's current folder {t}, named in ACTJEPA_TASK_MODULES."""
    header = "import numpy as np\nfrom actjepa import envs\nfrom tests.benchmarks.user_tasks import SlideToGoal\n"

    def prepare(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
        (names["t"] / f"{name}.py").write_text(header + body + "\n")
        mp.setattr(sys, "dont_write_bytecode", True)  # the folder must stay as it is
        mp.chdir(names["t"])
        mp.syspath_prepend(str(names["t"]))
        mp.setenv("ACTJEPA_TASK_MODULES", name)

    return prepare


def environment(**variables: str | None) -> Prepare:
    """Environment variables set (None: unset)."""

    def prepare(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
        for key, value in variables.items():
            if value is None:
                mp.delenv(key, raising=False)
            else:
                mp.setenv(key, value)

    return prepare


def free_memory(nbytes: int) -> Prepare:
    """A machine with `nbytes` of free memory for planning."""

    def prepare(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
        import actjepa.planner.limits as limits

        mp.setattr(limits, "available_memory_bytes", lambda device="cpu": nbytes)

    return prepare


def one_gpu(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
    """A machine with one CUDA GPU (as torch reports it)."""
    import torch

    mp.setattr(torch.cuda, "is_available", lambda: True)
    mp.setattr(torch.cuda, "device_count", lambda: 1)


def slide_tasks(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
    """Two tasks without MuJoCo (so without an oracle), one of them without an expert."""
    register_slide("preflight_no_expert", with_expert=False)
    register_slide("preflight_slide")


def run_folders(chdir: bool = False) -> Prepare:
    """{t}/w holding a user's notes.txt (the current folder when `chdir`)."""

    def prepare(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
        (names["t"] / "w").mkdir()
        (names["t"] / "w" / "notes.txt").write_text("mine\n")
        if chdir:
            mp.chdir(names["t"] / "w")

    return prepare


def kept_outputs(names: Mapping[str, Path], mp: pytest.MonkeyPatch) -> None:
    """{t}/w and {t}/r each holding a kept.json of an earlier run."""
    for folder in ("w", "r"):
        (names["t"] / folder).mkdir()
        (names["t"] / folder / "kept.json").write_text("{}")


def files_under(folder: Path) -> dict[str, tuple[bytes | bool, int]]:
    """Every file and folder under `folder` with its mode, and a file's bytes (what a refused call must not change)."""
    return {str(p.relative_to(folder)): (p.is_file() and p.read_bytes(), p.stat().st_mode) for p in folder.rglob("*")}
