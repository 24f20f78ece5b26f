"""Readers for demonstrations made elsewhere: a local Minari dataset, or a .npz / HDF5 array file.

Each reader returns episode arrays with the episode index first and a
provenance dict; nothing is written. Variable-length Minari episodes are
brought to one length T: longer ones are cut to their first T steps, shorter
ones dropped (both counted in the provenance).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from actjepa.envs.errors import DatasetError

GOAL_KEYS = ("observation", "achieved_goal", "desired_goal")
REQUIRED_ARRAYS = ("observations", "actions", "achieved_goals", "desired_goals")
"""Arrays an array file must hold (layout in docs/dataset_schema.md)."""
OPTIONAL_ARRAYS = ("goal_observations", "successes", "episode_seeds")
"""Arrays an array file may hold; missing ones are derived from the task."""


def _fail(source: str, problem: str, fix: str) -> DatasetError:
    return DatasetError(f"cannot import {source}: {problem}; {fix}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_array_file(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays of an .npz or HDF5 file in the documented layout, and their provenance."""
    source = str(path)
    if not path.is_file():
        raise _fail(source, "no such file", "pass the path of a .npz or .h5 file")
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in archive.files}
            kind = "npz"
        else:
            with h5py.File(path, "r") as handle:
                arrays = {key: handle[key][()] for key in handle if isinstance(handle[key], h5py.Dataset)}
            kind = "hdf5"
    except (OSError, ValueError) as exc:
        raise _fail(
            source, f"unreadable file ({(str(exc).splitlines() or [''])[0][:80]})", "write it with numpy.savez or h5py"
        ) from None
    missing = [key for key in REQUIRED_ARRAYS if key not in arrays]
    if missing:
        raise _fail(source, f"missing arrays {', '.join(missing)}", "see docs/dataset_schema.md for the layout")
    arrays = {key: arrays[key] for key in (*REQUIRED_ARRAYS, *OPTIONAL_ARRAYS) if key in arrays}
    return arrays, {"import_format": kind, "import_source": str(path.resolve()), "import_sha256": _sha256(path)}


def _load_minari(dataset_id: str) -> Any:
    import minari

    try:
        return minari.load_dataset(dataset_id)
    except Exception as exc:  # minari raises FileNotFoundError, ValueError, ... with multi-line texts
        detail = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
        raise _fail(
            f"Minari dataset {dataset_id!r}",
            detail,
            f"download it first with `minari download {dataset_id}` (datasets live under MINARI_DATASETS_PATH)",
        ) from None


def read_minari(dataset_id: str, episode_steps: int | None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Episode arrays (E, T+1, ...) of a local Minari dataset with goal-dict observations, and provenance.

    T is `episode_steps`, or the shortest episode's length when None.
    """
    import minari

    source = f"Minari dataset {dataset_id!r}"
    dataset = _load_minari(dataset_id)
    space = dataset.observation_space
    keys = list(getattr(space, "spaces", {}) or [])
    if any(key not in keys for key in GOAL_KEYS):
        raise _fail(
            source,
            f"its observations are not goal dicts (keys {keys or type(space).__name__})",
            "actjepa needs dict observations with observation/achieved_goal/desired_goal",
        )
    episodes = list(dataset.iterate_episodes())
    if not episodes:
        raise _fail(source, "it holds no episodes", "import a dataset with episodes")
    lengths = np.array([len(e.actions) for e in episodes])
    steps = int(lengths.min()) if episode_steps is None else int(episode_steps)
    kept = [e for e in episodes if len(e.actions) >= steps]
    if steps < 1 or not kept:
        raise _fail(
            source,
            f"no episode has {steps} steps (lengths {lengths.min()}..{lengths.max()})",
            "pass a smaller episode length",
        )
    arrays = {
        "observations": np.stack([np.asarray(e.observations["observation"][: steps + 1]) for e in kept]),
        "actions": np.stack([np.asarray(e.actions[:steps]).reshape(steps, -1) for e in kept]),
        "achieved_goals": np.stack([np.asarray(e.observations["achieved_goal"][: steps + 1]) for e in kept]),
        "desired_goals": np.stack([np.asarray(e.observations["desired_goal"][: steps + 1]) for e in kept]),
    }
    provenance = {
        "import_format": "minari",
        "import_source": dataset_id,
        "minari_dataset_version": str(dataset.spec.minari_version),
        "minari_version": minari.__version__,
        "episodes_dropped_short": int((lengths < steps).sum()),
        "episodes_cut": int((lengths > steps).sum()),
    }
    return arrays, provenance
