"""Collect demonstration episodes (scripted expert or correlated random play) into an HDF5 file.

`batch_size` episodes run side by side; each finished batch is appended and
flushed. The file is written under a temporary name in the destination folder
and renamed at the end, or on an interrupt (Ctrl-C / SIGTERM) with the
finished episodes, so a crash never leaves a half-written file under the
user's name.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
import tyro
from tqdm import tqdm

from actjepa.common import package_version
from actjepa.envs.atomic import replace_keeping_mode, write_failure
from actjepa.envs.dataset.size import check_disk_space
from actjepa.envs.dataset.writer import DatasetWriter, verify_written
from actjepa.envs.errors import EnvError
from actjepa.envs.regions import GoalRegion, check_region, seeds_outside
from actjepa.envs.registry import make, task_spec
from actjepa.envs.seeds import check_seed, training_seeds
from actjepa.envs.signals import BatchBoundaryInterrupt, deferred_signals
from actjepa.envs.vec_env import OBS_MODES, GoalVecEnv

SOURCES = ("expert", "play")
PLAY_CORRELATION = 0.9
"""Play actions follow x_{t+1} = rho x_t + sqrt(1 - rho^2) eps, a stationary AR(1) (discrete OU) process."""
PLAY_SCALE = 0.6
"""Play action std as a fraction of the half action range (then clipped to the range)."""


@dataclass
class CollectConfig:
    """What to collect and where to write it."""

    task: str = "reacher"
    """Registered task name (see `actjepa tasks`)."""
    source: str = "expert"
    """`expert` (scripted expert plus Gaussian noise) or `play` (temporally correlated random actions)."""
    episodes: int = 200
    """Number of episodes to collect."""
    noise: float = 0.1
    """Expert action noise std as a fraction of the half action range (clipped to the range)."""
    seed: int = 0
    """Seed for episode seeds (starts and goals) and action noise."""
    out: Path = Path("data/reacher.h5")
    """Destination HDF5 file."""
    obs_mode: str = "state"
    """`state` vectors or 64x64 `pixels`."""
    batch_size: int = 50
    """Episodes simulated side by side and written per chunk."""
    force: bool = False
    """Overwrite an existing destination file."""
    progress: bool = True
    """Show a progress bar."""
    exclude_region: Annotated[GoalRegion | None, tyro.conf.Suppress] = None
    """Collect only episodes whose goal lies outside this region (recorded in the metadata); None keeps all."""


def check_config(cfg: CollectConfig) -> None:
    """Raise EnvError with one line for any bad option."""
    task_spec(cfg.task)
    if cfg.source not in SOURCES:
        raise EnvError(f"unknown source {cfg.source!r}; use one of {', '.join(SOURCES)}")
    if cfg.obs_mode not in OBS_MODES:
        raise EnvError(f"unknown observation mode {cfg.obs_mode!r}; use one of {', '.join(OBS_MODES)}")
    if cfg.episodes < 1:
        raise EnvError(f"--episodes must be a positive number, got {cfg.episodes}")
    if cfg.batch_size < 1:
        raise EnvError(f"--batch-size must be a positive number, got {cfg.batch_size}")
    if not np.isfinite(cfg.noise) or cfg.noise < 0:
        raise EnvError(f"--noise must be a finite number >= 0, got {cfg.noise}")
    check_seed(cfg.seed)
    if cfg.exclude_region is not None:
        check_region(cfg.task, cfg.exclude_region)
    if cfg.source == "expert":
        from actjepa.envs.experts import make_expert

        make_expert(cfg.task)
    check_output_file(Path(cfg.out), cfg.force)
    check_disk_space(Path(cfg.out), cfg.episodes, task_spec(cfg.task), cfg.obs_mode)


def check_output_file(out: Path, force: bool) -> None:
    """The destination must be a file path whose folder exists or can be created, not taken unless `force`."""
    if out.is_dir():
        raise EnvError(f"--out {out} is a folder; pass a file path such as {out / 'data.h5'}")
    if out.exists() and not force:
        raise EnvError(f"{out} already exists; pass --force to overwrite it or choose another --out")
    parent = next((p for p in out.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise EnvError(f"--out {out}: {parent} is a file, not a folder; choose another --out")


def run_episodes(
    env: GoalVecEnv, seeds: np.ndarray, source: str, noise: float, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Run one batch of episodes to the end and return their arrays (keyed like the file)."""
    obs = env.reset(seeds)
    t_max, half = env.max_episode_steps, (env.action_high - env.action_low) / 2
    mid = (env.action_high + env.action_low) / 2
    expert = None
    if source == "expert":
        from actjepa.envs.experts import make_expert

        expert = make_expert(env.spec.name)
    observations, achieved, successes, actions = [obs["observation"]], [obs["achieved_goal"]], [env.success()], []
    play = rng.standard_normal((env.num_envs, env.action_dim))
    for _ in range(t_max):
        if expert is not None:
            action = expert(env) + noise * half * rng.standard_normal((env.num_envs, env.action_dim))
        else:
            play = PLAY_CORRELATION * play + np.sqrt(1 - PLAY_CORRELATION**2) * rng.standard_normal(play.shape)
            action = mid + PLAY_SCALE * half * play
        action = np.clip(action, env.action_low, env.action_high)
        obs, _, _, _, info = env.step(action)
        actions.append(action)
        observations.append(obs["observation"])
        achieved.append(obs["achieved_goal"])
        successes.append(info["success"])
    return {
        "observations": np.stack(observations, axis=1),
        "actions": np.stack(actions, axis=1).astype(np.float32),
        "goal_observations": obs["goal_observation"],
        "desired_goals": obs["desired_goal"].astype(np.float32),
        "achieved_goals": np.stack(achieved, axis=1).astype(np.float32),
        "successes": np.stack(successes, axis=1),
        "episode_seeds": seeds,
    }


def collect(
    task: str,
    source: str = "expert",
    episodes: int = 200,
    noise: float = 0.1,
    seed: int = 0,
    out: str | Path = "data/reacher.h5",
    obs_mode: str = "state",
    batch_size: int = 50,
    force: bool = False,
    progress: bool = True,
    exclude_region: GoalRegion | None = None,
) -> Path:
    """Collect `episodes` episodes into `out`; returns the path. Re-raises KeyboardInterrupt after saving."""
    return collect_from(
        CollectConfig(
            task,
            source,
            int(episodes),
            float(noise),
            int(seed),
            Path(out),
            obs_mode,
            int(batch_size),
            bool(force),
            bool(progress),
            exclude_region,
        )
    )


def collect_from(cfg: CollectConfig) -> Path:
    """Collect what `cfg` asks for into cfg.out; returns the path. Re-raises KeyboardInterrupt after saving."""
    check_config(cfg)
    out = Path(cfg.out)
    _make_parent(out)
    spec = task_spec(cfg.task)
    region = cfg.exclude_region
    seeds = (
        training_seeds(cfg.seed, cfg.episodes)
        if region is None
        else seeds_outside(cfg.task, region, cfg.seed, cfg.episodes)
    )
    meta = {k: v for k, v in asdict(cfg).items() if k in ("task", "source", "noise", "seed", "obs_mode")}
    if region is not None:
        meta["excluded_goal_region"] = region.describe()
    meta.update(
        package_version=package_version(), episode_steps=spec.max_episode_steps, success_radius=spec.success_radius
    )
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    envs_by_size: dict[int, GoalVecEnv] = {}
    writer = None
    with BatchBoundaryInterrupt() as interrupt:
        try:
            bar = tqdm(total=cfg.episodes, desc=f"collect {cfg.task}", unit="ep", disable=not cfg.progress)
            for chunk, start in enumerate(range(0, cfg.episodes, cfg.batch_size)):
                batch_seeds = seeds[start : start + cfg.batch_size]
                if len(batch_seeds) not in envs_by_size:
                    envs_by_size[len(batch_seeds)] = make(cfg.task, len(batch_seeds), cfg.obs_mode)
                env = envs_by_size[len(batch_seeds)]
                if writer is None:
                    writer = _open_writer(tmp, out, meta, env, cfg.obs_mode, spec)
                rng = np.random.default_rng([cfg.seed, chunk])
                _append(writer, run_episodes(env, batch_seeds, cfg.source, cfg.noise, rng), out)
                bar.update(len(batch_seeds))
                interrupt.check()
            bar.close()
        except KeyboardInterrupt:
            _close_envs(envs_by_size)
            kept = _finish(writer, tmp, out)
            where = f"in {out}" if kept else "(no file written)"
            print(f"interrupted: kept {kept} of {cfg.episodes} finished episodes {where}", file=sys.stderr)
            raise
        except BaseException:
            _close_envs(envs_by_size)
            _discard(writer, tmp)
            raise
    _close_envs(envs_by_size)
    _finish(writer, tmp, out)
    return out


def _close_envs(envs_by_size: dict[int, GoalVecEnv]) -> None:
    """Release the batches' simulators (and an adapter task's Gymnasium envs)."""
    for env in envs_by_size.values():
        env.close()


def _make_parent(out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(out, exc) from None


def _open_writer(tmp: Path, out: Path, meta: dict, env: GoalVecEnv, obs_mode: str, spec) -> DatasetWriter:
    """A writer on the temporary file; a failure to create it is reported against the user's `out`."""
    try:
        return DatasetWriter(
            tmp,
            meta,
            env.observation_shape,
            np.uint8 if obs_mode == "pixels" else np.float32,
            spec.max_episode_steps,
            spec.action_dim,
            spec.goal_dim,
        )
    except OSError as exc:
        raise write_failure(out, exc) from None


def _append(writer: DatasetWriter, episodes: dict[str, np.ndarray], out: Path) -> None:
    try:
        writer.append(episodes)
    except OSError as exc:
        raise write_failure(out, exc) from None


def _discard(writer: DatasetWriter | None, tmp: Path) -> None:
    """Close (never raising, even on a full disk) and delete the temporary file."""
    if writer is not None:
        writer.close()
    tmp.unlink(missing_ok=True)


def _finish(writer: DatasetWriter | None, tmp: Path, out: Path) -> int:
    """Close, verify and rename the file onto `out` (dropped if it holds no episode); episodes kept.

    Only a file that was written without error, closed, and read back with
    every episode present is renamed; in every other case the temporary file
    is deleted and the user's `out` is left as it was.
    """
    if writer is None:
        return 0
    with deferred_signals():  # an interrupt now is delivered once the file is in place (or deleted)
        return _close_verify_rename(writer, tmp, out)


def _close_verify_rename(writer: DatasetWriter, tmp: Path, out: Path) -> int:
    try:
        writer.close()
        if writer.write_error is not None:
            raise write_failure(out, writer.write_error)
        if writer.num_episodes == 0:
            tmp.unlink(missing_ok=True)
            return 0
        verify_written(tmp, writer.num_episodes)
        replace_keeping_mode(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_failure(out, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return writer.num_episodes
