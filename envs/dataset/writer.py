"""Writing demonstration datasets (HDF5 via h5py) that survive full disks and interrupts.

Episodes are appended in chunks to resizable datasets and the file is flushed
after each chunk, so a file closed after an interruption holds every finished
episode; `verify_written` reads it back before the caller renames it into place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from actjepa.envs.dataset.failsafe_file import FailSafeFile
from actjepa.envs.dataset.schema import EPISODE_ARRAYS, SCHEMA_VERSION
from actjepa.envs.errors import DatasetError
from actjepa.envs.signals import deferred_signals


class DatasetWriter:
    """Appends batches of finished episodes to a new HDF5 file.

    Every HDF5 operation runs with Ctrl-C/SIGTERM deferred (an interrupt is
    delivered right after it, with the file consistent) and writes through a
    FailSafeFile, so a full disk raises its OSError from `append` (or `close`)
    and the file can still be closed and removed instead of crashing h5py.
    """

    def __init__(
        self,
        path: str | Path,
        meta: dict[str, Any],
        obs_shape: tuple[int, ...],
        obs_dtype: Any,
        episode_steps: int,
        action_dim: int,
        goal_dim: int,
    ) -> None:
        """meta["goal_free"] (optional) stores one desired goal per observation instead of per episode."""
        self.num_episodes = 0
        self.raw = FailSafeFile(path)
        with deferred_signals():
            self.file = h5py.File(self.raw, "w")
            self._create(meta, obs_shape, obs_dtype, episode_steps, action_dim, goal_dim)
        self._raise_write_error()

    def _create(
        self,
        meta: dict[str, Any],
        obs_shape: tuple[int, ...],
        obs_dtype: Any,
        episode_steps: int,
        action_dim: int,
        goal_dim: int,
    ) -> None:
        for key, value in {**meta, "schema_version": SCHEMA_VERSION}.items():
            self.file.attrs[key] = json.dumps(value) if isinstance(value, (dict, list)) else value
        self.file.attrs["num_episodes"] = 0
        pixels = np.dtype(obs_dtype) == np.uint8
        t = episode_steps
        shapes = {
            "observations": ((t + 1, *obs_shape), obs_dtype),
            "actions": ((t, action_dim), np.float32),
            "goal_observations": (tuple(obs_shape), obs_dtype),
            "desired_goals": ((t + 1, goal_dim) if meta.get("goal_free") else (goal_dim,), np.float32),
            "achieved_goals": ((t + 1, goal_dim), np.float32),
            "successes": ((t + 1,), bool),
            "episode_seeds": ((), np.int64),
        }
        for name, (shape, dtype) in shapes.items():
            compression = "lzf" if pixels and name in ("observations", "goal_observations") else None
            self.file.create_dataset(
                name,
                shape=(0, *shape),
                maxshape=(None, *shape),
                dtype=dtype,
                chunks=(1, *shape),
                compression=compression,
            )
        self.file.flush()

    def append(self, episodes: dict[str, np.ndarray]) -> None:
        """Write a batch of finished episodes (arrays keyed like EPISODE_ARRAYS) and flush."""
        count = len(episodes["episode_seeds"])
        with deferred_signals():
            for name in EPISODE_ARRAYS:
                data = self.file[name]
                data.resize(self.num_episodes + count, axis=0)
                data[self.num_episodes :] = episodes[name]
            self.num_episodes += count
            self.file.attrs["num_episodes"] = self.num_episodes
            self.file.flush()
        self._raise_write_error()

    @property
    def write_error(self) -> OSError | None:
        """The first OSError of any write to the file (then the file is incomplete and must be discarded)."""
        return self.raw.error

    def _raise_write_error(self) -> None:
        if self.raw.error is not None:
            raise self.raw.error

    def close(self) -> None:
        """Close and fsync the file; never raises for a failed disk (check `write_error` afterwards)."""
        with deferred_signals():
            if self.file.id.valid:
                self.file.close()
            self.raw.close()


def verify_written(path: str | Path, num_episodes: int) -> None:
    """Check that a closed file holds `num_episodes` episodes in every array, before it is renamed into place."""
    path = Path(path)
    problem = None
    try:
        with h5py.File(path, "r") as handle:
            recorded = int(handle.attrs["num_episodes"])
            lengths = {name: handle[name].shape[0] for name in EPISODE_ARRAYS}
        if recorded != num_episodes or any(n != num_episodes for n in lengths.values()):
            problem = f"holds {recorded} episodes ({lengths}), expected {num_episodes}"
    except (OSError, KeyError, ValueError, RuntimeError, TypeError, AttributeError) as exc:
        problem = f"cannot be read back ({type(exc).__name__})"
    if problem is not None:
        raise DatasetError(f"the file just written, {path}, {problem}; check the disk and collect again")
