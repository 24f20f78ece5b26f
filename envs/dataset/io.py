"""Writing and loading demonstration datasets (HDF5 via h5py), with loud validation.

Episodes are appended in chunks to resizable datasets and the file is flushed
after each chunk, so a file closed after an interruption holds every finished
episode. `load_dataset` checks everything a training run relies on and raises
a one-line DatasetError otherwise.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from envs.dataset.schema import EPISODE_ARRAYS, META_KEYS, SCHEMA_VERSION, EpisodeDataset
from envs.errors import DatasetError


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DatasetWriter:
    """Appends batches of finished episodes to a new HDF5 file."""

    def __init__(self, path: str | Path, meta: dict[str, Any], obs_shape: tuple[int, ...], obs_dtype: Any,
                 episode_steps: int, action_dim: int, goal_dim: int) -> None:
        self.file = h5py.File(path, "w")
        for key, value in {**meta, "schema_version": SCHEMA_VERSION}.items():
            self.file.attrs[key] = json.dumps(value) if isinstance(value, (dict, list)) else value
        self.file.attrs["num_episodes"] = 0
        pixels = np.dtype(obs_dtype) == np.uint8
        t = episode_steps
        shapes = {
            "observations": ((t + 1, *obs_shape), obs_dtype),
            "actions": ((t, action_dim), np.float32),
            "goal_observations": (tuple(obs_shape), obs_dtype),
            "desired_goals": ((goal_dim,), np.float32),
            "achieved_goals": ((t + 1, goal_dim), np.float32),
            "successes": ((t + 1,), bool),
            "episode_seeds": ((), np.int64),
        }
        for name, (shape, dtype) in shapes.items():
            compression = "lzf" if pixels and name in ("observations", "goal_observations") else None
            self.file.create_dataset(name, shape=(0, *shape), maxshape=(None, *shape), dtype=dtype,
                                     chunks=(1, *shape), compression=compression)
        self.num_episodes = 0

    def append(self, episodes: dict[str, np.ndarray]) -> None:
        """Write a batch of finished episodes (arrays keyed like EPISODE_ARRAYS) and flush."""
        count = len(episodes["episode_seeds"])
        for name in EPISODE_ARRAYS:
            data = self.file[name]
            data.resize(self.num_episodes + count, axis=0)
            data[self.num_episodes :] = episodes[name]
        self.num_episodes += count
        self.file.attrs["num_episodes"] = self.num_episodes
        self.file.flush()

    def close(self) -> None:
        if self.file.id.valid:
            self.file.close()


def _fail(path: Path, problem: str, fix: str = "collect it again with `actjepa collect`") -> DatasetError:
    return DatasetError(f"dataset {path}: {problem}; {fix}")


def load_dataset(path: str | Path) -> EpisodeDataset:
    """Load and validate a dataset file written by `actjepa collect`."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"no dataset file at {path}; create one with `actjepa collect --out {path}`")
    try:
        with h5py.File(path, "r") as handle:
            meta = {k: _decode(v) for k, v in handle.attrs.items()}
            missing = [k for k in (*META_KEYS, "num_episodes") if k not in meta] + \
                [k for k in EPISODE_ARRAYS if k not in handle]
            if missing:
                raise _fail(path, f"missing {', '.join(missing)} (not an actjepa dataset?)")
            if meta["schema_version"] != SCHEMA_VERSION:
                raise _fail(path, f"schema version {meta['schema_version']}, this version reads {SCHEMA_VERSION}",
                            "re-collect the data with this version's `actjepa collect`")
            arrays = {name: handle[name][()] for name in EPISODE_ARRAYS}
    except DatasetError:
        raise
    except (OSError, KeyError, ValueError, RuntimeError) as exc:
        raise _fail(path, f"unreadable or truncated HDF5 file ({str(exc).splitlines()[0][:80]})") from None
    _validate(path, arrays, meta)
    meta.pop("num_episodes", None)
    return EpisodeDataset(**arrays, meta=meta, sha256=file_sha256(path))


def _decode(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _validate(path: Path, a: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Shapes, counts and finiteness; raises DatasetError naming the first problem."""
    e = a["episode_seeds"].shape[0]
    if e == 0:
        raise _fail(path, "contains no episodes")
    if int(meta["num_episodes"]) != e or any(a[n].shape[0] != e for n in EPISODE_ARRAYS):
        raise _fail(path, "episode counts disagree between arrays (truncated write)")
    if a["actions"].ndim != 3 or a["observations"].ndim < 3:
        raise _fail(path, "observations/actions have the wrong number of dimensions")
    t = a["actions"].shape[1]
    obs_shape = a["observations"].shape[2:]
    g = a["desired_goals"].shape[-1] if a["desired_goals"].ndim == 2 else -1
    expected = {
        "observations": (e, t + 1, *obs_shape),
        "goal_observations": (e, *obs_shape),
        "desired_goals": (e, g),
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
