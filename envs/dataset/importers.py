"""Import demonstrations made elsewhere (a Minari dataset, or a .npz / HDF5 array file) as an actjepa dataset.

    from actjepa.envs.dataset.importers import ImportConfig, import_dataset
    import_dataset(ImportConfig(source="mujoco/pointmaze/umaze-v0", task="my_maze", out=Path("data/maze.h5")))

The task must be registered: its shapes check the data, its success rule
fills `successes`, and its goal-observation function can fill
`goal_observations`. Everything is checked in memory before anything is
written; the file is then written under a temporary name in the destination
folder, re-read and validated, and renamed (a replaced file keeps its mode).
Provenance goes into the metadata: import_format, import_source (dataset id
or absolute path), imported_at (UTC), package_version, and per format the
file's SHA-256 or the Minari versions and episode-length counts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from actjepa.envs.dataset.io import DatasetWriter, load_dataset
from actjepa.envs.dataset.sources import read_array_file, read_minari
from actjepa.envs.errors import DatasetError, EnvError
from actjepa.envs.registry import task_entry, task_success

FORMATS = ("auto", "minari", "npz", "hdf5")
GOAL_SOURCES = ("auto", "task", "final")
ARRAY_SUFFIXES = {".npz": "npz", ".h5": "hdf5", ".hdf5": "hdf5"}


@dataclass
class ImportConfig:
    """What to import, for which task, and where to write it."""

    source: str
    """A local Minari dataset id (e.g. `mujoco/pointmaze/umaze-v0`) or the path of a .npz / .h5 / .hdf5 file."""
    task: str
    """Registered task the data belongs to (see `actjepa tasks`); its shapes must match the data."""
    out: Path
    """Destination actjepa dataset (HDF5)."""
    format: str = "auto"
    """`minari`, `npz`, `hdf5`, or `auto`: an array file by its suffix, otherwise a Minari dataset id."""
    goal_observations: str = "auto"
    """Where each episode's goal observation comes from: `task` (the task's goal-observation function on
    the desired goal), `final` (the episode's last observation: right only for episodes that end at their
    goal), or `auto` (the file's own goal_observations array, else `task`)."""
    episode_steps: int | None = None
    """Steps T kept per Minari episode (longer cut, shorter dropped); default: the task's max_episode_steps."""
    force: bool = False
    """Overwrite an existing destination file."""


def _format_of(cfg: ImportConfig) -> str:
    if cfg.format not in FORMATS:
        raise EnvError(f"unknown import format {cfg.format!r}; use one of {', '.join(FORMATS)}")
    if cfg.format != "auto":
        return cfg.format
    return ARRAY_SUFFIXES.get(Path(cfg.source).suffix.lower(), "minari")


def check_import(cfg: ImportConfig) -> None:
    """One-line EnvError for any bad option, before any data is read."""
    entry = task_entry(cfg.task)
    _format_of(cfg)
    if cfg.goal_observations not in GOAL_SOURCES:
        raise EnvError(
            f"unknown goal-observation source {cfg.goal_observations!r}; use one of {', '.join(GOAL_SOURCES)}"
        )
    if cfg.goal_observations == "task" and entry.goal_observations is None:
        raise EnvError(
            f"task {cfg.task!r} has no goal-observation function for imported data; use --goal-observations final"
        )
    if cfg.episode_steps is not None and cfg.episode_steps < 1:
        raise EnvError(f"--episode-steps must be a positive number, got {cfg.episode_steps}")
    if Path(cfg.out).exists() and not cfg.force:
        raise EnvError(f"{cfg.out} already exists; pass --force to overwrite it or choose another --out")


def _read(cfg: ImportConfig) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    if _format_of(cfg) == "minari":
        steps = cfg.episode_steps or task_entry(cfg.task).spec.max_episode_steps
        return read_minari(cfg.source, steps)
    return read_array_file(Path(cfg.source))


def _check_shapes(source: str, task: str, a: dict[str, np.ndarray]) -> tuple[int, int]:
    """(E, T) after checking every array against the task's shapes; one-line DatasetError otherwise."""
    spec = task_entry(task).spec
    obs, actions = a["observations"], a["actions"]
    if actions.ndim != 3 or obs.ndim < 3:
        raise DatasetError(
            f"cannot import {source}: actions {actions.shape} / observations {obs.shape} are not "
            "(E, T, A) / (E, T+1, *obs)"
        )
    e, t = actions.shape[:2]
    g = spec.goal_dim
    desired = a["desired_goals"]
    expected = {
        "observations": (e, t + 1, *spec.obs_shape),
        "actions": (e, t, spec.action_dim),
        "achieved_goals": (e, t + 1, g),
        "desired_goals": (e, g) if desired.ndim == 2 else (e, t + 1, g),
        "goal_observations": (e, *spec.obs_shape),
        "successes": (e, t + 1),
        "episode_seeds": (e,),
    }
    for name, array in a.items():
        if array.shape != expected[name]:
            raise DatasetError(
                f"cannot import {source}: {name} has shape {array.shape}, expected {expected[name]} for task {task!r}"
            )
        if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
            raise DatasetError(f"cannot import {source}: {name} contains NaN or infinity")
    if e == 0 or t == 0:
        raise DatasetError(f"cannot import {source}: no episodes or no steps")
    if desired.ndim == 3 and not np.allclose(desired, desired[:, :1], atol=1e-6):
        raise DatasetError(
            f"cannot import {source}: desired_goal changes within an episode; actjepa episodes have "
            "one goal each (split such episodes at goal changes first)"
        )
    return e, t


def _episode_arrays(cfg: ImportConfig, a: dict[str, np.ndarray], e: int, t: int) -> tuple[dict[str, np.ndarray], str]:
    """The seven EPISODE_ARRAYS (derived pieces filled in from the task) and where goal observations came from."""
    entry = task_entry(cfg.task)
    desired = (a["desired_goals"] if a["desired_goals"].ndim == 2 else a["desired_goals"][:, 0]).astype(np.float32)
    achieved = a["achieved_goals"].astype(np.float32)
    source = cfg.goal_observations
    if source == "auto":
        source = "file" if "goal_observations" in a else "task"
    if source == "task" and entry.goal_observations is None:
        raise EnvError(
            f"task {cfg.task!r} has no goal-observation function and {cfg.source} has no "
            "goal_observations; use --goal-observations final"
        )
    goal_obs = {
        "file": lambda: a["goal_observations"],
        "final": lambda: a["observations"][:, -1],
        "task": lambda: entry.goal_observations(desired),
    }[source]()
    if "successes" in a:
        successes = a["successes"].astype(bool)
    else:
        flat = task_success(cfg.task, achieved.reshape(e * (t + 1), -1), np.repeat(desired, t + 1, axis=0))
        successes = flat.reshape(e, t + 1)
    return {
        "observations": a["observations"].astype(np.float32),
        "actions": a["actions"].astype(np.float32),
        "goal_observations": np.asarray(goal_obs, dtype=np.float32),
        "desired_goals": desired,
        "achieved_goals": achieved,
        "successes": successes,
        "episode_seeds": a.get("episode_seeds", np.full(e, -1)).astype(np.int64),
    }, source


def import_dataset(cfg: ImportConfig) -> Path:
    """Read, check and convert `cfg.source` into an actjepa dataset at `cfg.out`; returns the path."""
    from actjepa.envs.collect import package_version

    check_import(cfg)
    raw, provenance = _read(cfg)
    e, t = _check_shapes(cfg.source, cfg.task, raw)
    arrays, goal_source = _episode_arrays(cfg, raw, e, t)
    spec = task_entry(cfg.task).spec
    meta = {
        "task": cfg.task,
        "obs_mode": "state",
        "source": "import",
        "noise": float("nan"),
        "seed": -1,
        "package_version": package_version(),
        "episode_steps": t,
        "success_radius": spec.success_radius,
        "imported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "goal_observation_source": goal_source,
        **provenance,
    }
    return _write(Path(cfg.out), meta, arrays, spec.goal_dim)


def _write(out: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray], goal_dim: int) -> Path:
    """Write atomically: temporary file next to `out`, validated by load_dataset, then renamed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    writer = None
    try:
        t = arrays["actions"].shape[1]
        writer = DatasetWriter(
            tmp, meta, arrays["observations"].shape[2:], np.float32, t, arrays["actions"].shape[2], goal_dim
        )
        writer.append(arrays)
        writer.close()
        load_dataset(tmp)
        if out.exists():
            os.chmod(tmp, out.stat().st_mode & 0o7777)
        os.replace(tmp, out)
    except BaseException:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)
        raise
    return out
