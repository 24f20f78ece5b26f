"""Loading demonstration datasets (HDF5 via h5py), with loud validation.

`load_dataset` checks everything a training run relies on (layout, dtypes,
shapes, counts, finiteness) and raises a one-line DatasetError naming the file
and the problem otherwise; `check_dataset_task` checks what it was collected for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import h5py
import numpy as np

from actjepa.common import file_sha256  # noqa: F401 - re-exported
from actjepa.envs.dataset.schema import (
    EPISODE_ARRAYS,
    META_KEYS,
    SCHEMA_VERSION,
    EpisodeDataset,
)
from actjepa.envs.dataset.writer import DatasetWriter, verify_written  # noqa: F401 - re-exported
from actjepa.envs.errors import DatasetError


def _fail(path: Path, problem: str, fix: str = "collect it again with `actjepa collect`") -> DatasetError:
    return DatasetError(f"dataset {path}: {problem}; {fix}")


READ_ERRORS = (OSError, KeyError, ValueError, RuntimeError, TypeError, AttributeError)
"""What h5py raises for damaged or foreign files."""

ARRAY_KINDS = {
    "observations": "fu",
    "actions": "f",
    "goal_observations": "fu",
    "desired_goals": "f",
    "achieved_goals": "f",
    "successes": "bui",
    "episode_seeds": "iu",
}
"""Allowed numpy dtype kinds of each array (f float, u unsigned, i signed integer, b bool)."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:80]


def load_dataset(path: str | Path) -> EpisodeDataset:
    """Load and validate a dataset file written by `actjepa collect`."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"no dataset file at {path}; create one with `actjepa collect --out {path}`")
    try:
        with h5py.File(path, "r") as handle:
            meta = {k: _decode(v) for k, v in handle.attrs.items()}
            _check_layout(path, handle, meta)
            arrays = {name: handle[name][()] for name in EPISODE_ARRAYS}
    except DatasetError:
        raise
    except READ_ERRORS as exc:
        raise _fail(path, f"unreadable or truncated HDF5 file ({_first_line(exc)})") from None
    _validate(path, arrays, meta)
    meta.pop("num_episodes", None)
    return EpisodeDataset(**arrays, meta=meta, sha256=file_sha256(path))


def _check_layout(path: Path, handle: h5py.File, meta: dict[str, Any]) -> None:
    """Required attributes and arrays are present and every array is an HDF5 dataset (not a group)."""
    missing = [k for k in (*META_KEYS, "num_episodes") if k not in meta] + [
        k for k in EPISODE_ARRAYS if k not in handle
    ]
    if missing:
        raise _fail(
            path,
            f"missing {', '.join(missing)} (not an actjepa dataset?)",
            f"convert outside data with `actjepa import --source {path} --task TASK --out {path.stem}-actjepa.h5` "
            "(layout: docs/dataset_schema.md)",
        )
    if meta["schema_version"] != SCHEMA_VERSION:
        raise _fail(
            path,
            f"schema version {meta['schema_version']}, this version reads {SCHEMA_VERSION}",
            "re-collect the data with this version's `actjepa collect`",
        )
    for name in EPISODE_ARRAYS:
        item = handle.get(name, getclass=True)
        if item is not h5py.Dataset:
            kind = "a group" if item is h5py.Group else f"a {getattr(item, '__name__', 'non-array')}"
            raise _fail(path, f"{name} is {kind}, not an array")
    if not isinstance(meta["num_episodes"], (int, np.integer)) or isinstance(meta["num_episodes"], bool):
        raise _fail(path, f"attribute num_episodes is {meta['num_episodes']!r}, not an integer")


def check_dataset_task(
    dataset: EpisodeDataset, task: str, obs_mode: str | None = None, path: str | Path = "", context: str = ""
) -> None:
    """Raise DatasetError unless `dataset` was collected for `task` (and `obs_mode`, when given).

    `context` says why that task is expected, e.g. "the run being resumed was trained on it".
    """
    name = f"dataset {path}" if str(path) else "the dataset"
    why = f" ({context})" if context else ""
    got_task, got_mode = dataset.meta.get("task"), dataset.meta.get("obs_mode")
    if got_task != task:
        raise DatasetError(
            f"{name} holds task {got_task!r}, but task {task!r} is needed{why}; "
            f"pass a dataset collected with `actjepa collect --task {task}`"
        )
    if obs_mode is not None and got_mode != obs_mode:
        raise DatasetError(
            f"{name} holds {got_mode!r} observations, but {obs_mode!r} are needed{why}; "
            f"pass a dataset collected with `--obs-mode {obs_mode}`"
        )


def _decode(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _check_dtypes(path: Path, a: dict[str, np.ndarray]) -> None:
    """Every array holds numbers of the kind the trainer expects (no strings, objects or compound types)."""
    for name, kinds in ARRAY_KINDS.items():
        if a[name].dtype.kind not in kinds:
            raise _fail(path, f"{name} has dtype {a[name].dtype}, expected {_kind_names(kinds)}")


def _kind_names(kinds: str) -> str:
    names = {"f": "float", "u": "unsigned integer", "i": "integer", "b": "bool"}
    return " or ".join(names[k] for k in kinds)


def _validate(path: Path, a: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Dtypes, shapes, counts and finiteness; raises DatasetError naming the first problem."""
    _check_dtypes(path, a)
    if a["episode_seeds"].ndim != 1:
        raise _fail(path, f"episode_seeds has shape {a['episode_seeds'].shape}, expected one seed per episode")
    e = a["episode_seeds"].shape[0]
    if e == 0:
        raise _fail(path, "contains no episodes")
    if int(meta["num_episodes"]) != e or any(a[n].ndim == 0 or a[n].shape[0] != e for n in EPISODE_ARRAYS):
        raise _fail(path, "episode counts disagree between arrays (truncated write)")
    if a["actions"].ndim != 3 or a["observations"].ndim < 3:
        raise _fail(path, "observations/actions have the wrong number of dimensions")
    t = a["actions"].shape[1]
    obs_shape = a["observations"].shape[2:]
    goal_free = bool(meta.get("goal_free", False))
    g = a["desired_goals"].shape[-1] if a["desired_goals"].ndim == (3 if goal_free else 2) else -1
    expected = {
        "observations": (e, t + 1, *obs_shape),
        "goal_observations": (e, *obs_shape),
        "desired_goals": (e, t + 1, g) if goal_free else (e, g),
        "achieved_goals": (e, t + 1, g),
        "successes": (e, t + 1),
        "episode_seeds": (e,),
    }
    for name, shape in expected.items():
        if a[name].shape != shape:
            raise _fail(path, f"{name} has shape {a[name].shape}, expected {shape}")
    for name in ("observations", "actions", "goal_observations", "desired_goals", "achieved_goals"):
        if np.issubdtype(a[name].dtype, np.floating) and not np.all(np.isfinite(a[name])):
            raise _fail(path, f"{name} contains NaN or infinity")
    if meta["obs_mode"] == "pixels" and a["observations"].dtype != np.uint8:
        raise _fail(path, "pixel observations are not uint8")
