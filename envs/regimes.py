"""Dataset regimes: which data a model is trained on (expert, noisy expert, play, a mix, few episodes,
goals outside a held-out region), each collected into one dataset file that records how it was made."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actjepa.envs.atomic import replace_keeping_mode
from actjepa.envs.collect import CollectConfig, check_output_file, collect
from actjepa.envs.dataset import load_dataset
from actjepa.envs.dataset.schema import EPISODE_ARRAYS
from actjepa.envs.dataset.writer import DatasetWriter, verify_written
from actjepa.envs.errors import EnvError
from actjepa.envs.regions import GoalRegion
from actjepa.envs.registry import task_spec


@dataclass(frozen=True)
class DataRegime:
    """How one regime's training data is collected."""

    episodes: int = CollectConfig.episodes
    "Episodes in the dataset (all sources together)."
    noise: float = CollectConfig.noise
    "Expert action noise std as a fraction of the half action range."
    play_fraction: float = 0.0
    "Share of the episodes that are correlated random play (0: expert only, 1: play only)."
    exclude_region: GoalRegion | None = None
    "Goals of this region never appear in the data (None keeps every goal)."

    def check(self) -> None:
        """EnvError (one line) for a regime that cannot be collected."""
        if self.episodes < 1:
            raise EnvError(f"a data regime needs at least 1 episode, got {self.episodes}")
        if not 0.0 <= self.play_fraction <= 1.0:
            raise EnvError(f"play_fraction must be in [0, 1], got {self.play_fraction}")

    def counts(self) -> dict[str, int]:
        """Episodes per source ('expert', 'play'), those with none left out."""
        play = int(round(self.play_fraction * self.episodes))
        return {k: v for k, v in (("expert", self.episodes - play), ("play", play)) if v > 0}


def collect_regime(task: str, regime: DataRegime, seed: int, out: Path, progress: bool = False) -> Path:
    """Collect the regime's dataset into `out` (state observations); a mix is two collections merged."""
    regime.check()
    check_output_file(Path(out), force=False)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    counts = regime.counts()
    if len(counts) == 1:
        ((source, episodes),) = counts.items()
        return collect(
            task, source, episodes, regime.noise, seed, out, progress=progress, exclude_region=regime.exclude_region
        )
    with tempfile.TemporaryDirectory(dir=Path(out).parent) as tmp:
        parts = []
        for offset, (source, episodes) in enumerate(counts.items()):
            part = Path(tmp) / f"{source}.h5"
            collect(
                task,
                source,
                episodes,
                regime.noise,
                seed + offset,
                part,
                progress=progress,
                exclude_region=regime.exclude_region,
            )
            parts.append(part)
        merge_datasets(parts, Path(out))
    return Path(out)


def merge_datasets(parts: list[Path], out: Path) -> None:
    """One file with every episode of `parts` (same task); metadata 'source' = 'mix', 'sources' lists each part."""
    datasets = [load_dataset(p) for p in parts]
    first = datasets[0].meta
    sources = [{k: d.meta[k] for k in ("source", "noise", "seed")} | {"episodes": len(d.actions)} for d in datasets]
    meta = {k: v for k, v in first.items() if k != "schema_version"}
    meta.update(source="mix", sources=sources)
    spec = task_spec(first["task"])
    tmp = out.with_name(f".{out.name}.merge.partial")
    writer = DatasetWriter(
        tmp,
        meta,
        datasets[0].observations.shape[2:],
        datasets[0].observations.dtype,
        spec.max_episode_steps,
        spec.action_dim,
        spec.goal_dim,
    )
    for data in datasets:
        writer.append({name: np.asarray(getattr(data, name)) for name in EPISODE_ARRAYS})
    writer.close()
    if writer.write_error is not None:
        tmp.unlink(missing_ok=True)
        raise EnvError(f"could not write {out}: {writer.write_error}")
    verify_written(tmp, writer.num_episodes)
    replace_keeping_mode(tmp, out)
