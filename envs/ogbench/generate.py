"""Generate an OGBench dataset into an actjepa dataset file, resumably and atomically.

Episodes are collected in chunks; each finished chunk is kept in a hidden folder beside the destination
(`.NAME.parts/`), so an interrupted generation continues where it stopped when run again, and the dataset file
itself appears only once every episode is in it (written under a temporary name, read back, then renamed).
The file records the recipe, the seed and the ogbench version; its episodes are goal-free (hindsight goals).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from actjepa.common import package_version
from actjepa.envs.atomic import write_failure
from actjepa.envs.dataset.writer import DatasetWriter
from actjepa.envs.errors import EnvError
from actjepa.envs.ogbench.episodes import cube_episode, maze_episode
from actjepa.envs.ogbench.recipes import DatasetRecipe, recipe
from actjepa.envs.ogbench.tasks import OGBENCH_SPECS
from actjepa.envs.ogbench.vec_env import is_maze, make_ogbench_env
from actjepa.envs.seeds import check_seed, training_seeds
from actjepa.envs.signals import BatchBoundaryInterrupt

CHUNK_EPISODES = 10
"""Episodes per kept chunk (the most work an interruption loses)."""


@dataclass(frozen=True)
class GenerateConfig:
    """Which OGBench dataset to generate, and where."""

    dataset: str
    """OGBench dataset name (envs.ogbench.recipes.RECIPES)."""
    out: Path
    """Destination HDF5 file (never overwritten unless force)."""
    seed: int = 0
    """Generation seed: every episode's randomness derives from it and the episode's index."""
    episodes: int | None = None
    """Training episodes (None: the published count); validation episodes are a tenth more, at least one."""
    force: bool = False
    """Replace an existing destination file."""
    progress: bool = True
    """Show a progress bar."""

    def recipe(self) -> DatasetRecipe:
        """The dataset's recipe, with the episode counts this generation asks for."""
        from dataclasses import replace

        base = recipe(self.dataset)
        if self.episodes is None:
            return base
        if self.episodes < 1:
            raise EnvError(f"--episodes must be a positive number, got {self.episodes}")
        return replace(base, episodes=self.episodes, val_episodes=max(1, self.episodes // 10))


def parts_folder(out: Path) -> Path:
    """Where the finished chunks of a generation into `out` are kept until the file is written."""
    return out.with_name(f".{out.name}.parts")


def generate(cfg: GenerateConfig) -> Path:
    """Generate cfg.dataset into cfg.out (continuing kept chunks); returns the path.

    An interrupt (Ctrl-C, SIGTERM) stops after the current chunk, keeps the finished chunks and re-raises
    KeyboardInterrupt; nothing is written at cfg.out until the dataset is complete.
    """
    rec = cfg.recipe()
    out = Path(cfg.out)
    check_seed(cfg.seed)
    if out.exists() and not cfg.force:
        raise EnvError(f"{out} already exists; pass --force to overwrite it or choose another --out")
    parts = parts_folder(out)
    _check_parts(parts, rec, cfg.seed)
    seeds = training_seeds(cfg.seed, rec.total_episodes)
    chunks = range(0, rec.total_episodes, CHUNK_EPISODES)
    env = make_ogbench_env(
        rec.env, terminate_at_goal=False, **({} if is_maze(rec.env) else {"mode": "data_collection"})
    )
    episode = maze_episode if is_maze(rec.env) else cube_episode
    bar = tqdm(total=rec.total_episodes, desc=f"generate {rec.name}", unit="ep", disable=not cfg.progress)
    with BatchBoundaryInterrupt() as interrupt:
        try:
            for index, start in enumerate(chunks):
                done = parts / f"chunk-{index:05d}.npz"
                if not done.is_file():
                    arrays = [episode(env, rec, int(s)) for s in seeds[start : start + CHUNK_EPISODES]]
                    _save_chunk(done, {k: np.stack([a[k] for a in arrays]) for k in arrays[0]})
                bar.update(min(CHUNK_EPISODES, rec.total_episodes - start))
                interrupt.check()
        except KeyboardInterrupt:
            kept = len(list(parts.glob("chunk-*.npz"))) * CHUNK_EPISODES
            print(
                f"interrupted: {min(kept, rec.total_episodes)} of {rec.total_episodes} episodes are kept in {parts}; "
                "run the same command again to continue",
                file=sys.stderr,
            )
            raise
        finally:
            env.close()
            bar.close()
    _write(out, parts, rec, cfg.seed, len(chunks))
    shutil.rmtree(parts, ignore_errors=True)
    return out


def _check_parts(parts: Path, rec: DatasetRecipe, seed: int) -> None:
    """Kept chunks must come from the same recipe and seed; a new generation starts the folder."""
    stamp = parts / "recipe.json"
    wanted = json_text({"recipe": rec.describe(), "seed": seed, "chunk_episodes": CHUNK_EPISODES})
    try:
        if stamp.is_file() and stamp.read_text() != wanted:
            raise EnvError(
                f"{parts} holds episodes of another recipe or seed; delete it to start this generation afresh"
            )
        parts.mkdir(parents=True, exist_ok=True)
        stamp.write_text(wanted)
    except OSError as exc:
        raise write_failure(parts, exc) from None


def json_text(value: dict) -> str:
    import json

    return json.dumps(value, sort_keys=True)


def _save_chunk(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write one chunk under a temporary name and rename it, so a kept chunk is always complete."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_failure(path, exc) from None


def _write(out: Path, parts: Path, rec: DatasetRecipe, seed: int, num_chunks: int) -> None:
    """The kept chunks as one dataset file at `out` (temporary name, verified, renamed)."""
    from actjepa.envs.collect import _finish
    from actjepa.envs.dataset.schema import EPISODE_ARRAYS

    spec = OGBENCH_SPECS[rec.env]
    meta = {
        "task": rec.env,
        "obs_mode": "state",
        "source": "ogbench",
        "noise": rec.noise,
        "seed": seed,
        "package_version": package_version(),
        "episode_steps": rec.episode_steps,
        "success_radius": spec.success_radius,
        "goal_free": True,
        "train_episodes": rec.episodes,
        "ogbench_recipe": rec.describe(),
        "ogbench_version": _ogbench_version(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.writing")
    try:
        writer = DatasetWriter(tmp, meta, spec.obs_shape, np.float32, rec.episode_steps, spec.action_dim, spec.goal_dim)
    except OSError as exc:
        raise write_failure(out, exc) from None
    for index in range(num_chunks):
        with np.load(parts / f"chunk-{index:05d}.npz") as chunk:
            writer.append({name: chunk[name] for name in EPISODE_ARRAYS})
    _finish(writer, tmp, out)


def _ogbench_version() -> str:
    from importlib.metadata import version

    return version("ogbench")
