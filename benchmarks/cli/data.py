"""`actjepa tasks` and `actjepa collect`: the registered tasks, and demonstrations recorded to HDF5."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from actjepa.envs.collect import CollectConfig


@dataclass(frozen=True)
class TasksCommand:
    """List tasks: observation/action/goal shapes, episode steps and success rule."""

    def run(self) -> None:
        from actjepa.envs.summary import task_table

        print(task_table())


@dataclass(frozen=True)
class CollectCommand:
    """Collect demonstrations (e.g. --task reacher --episodes 200 --out data/reacher.h5) or --inspect FILE."""

    collect: CollectConfig = field(default_factory=CollectConfig)
    "What to collect and where to write it."
    inspect: Path | None = None
    "Print a summary of this dataset file and exit."

    def run(self) -> None:
        from actjepa import envs
        from actjepa.benchmarks.cli import guards
        from actjepa.envs.dataset import load_dataset
        from actjepa.envs.summary import dataset_summary

        if self.inspect is not None:
            if self.inspect.exists():  # a missing file gets load_dataset's message
                guards.check_input_file(self.inspect, "--inspect")
            print(dataset_summary(load_dataset(self.inspect), str(self.inspect)))
            return
        from actjepa.envs.collect import collect_from

        cfg = self.collect
        guards.check_output_file(cfg.out, cfg.force, example="data.h5")
        guards.check_simulation_time("--episodes", cfg.episodes, envs.task_spec(cfg.task).max_episode_steps)

        path = collect_from(self.collect)
        print(dataset_summary(load_dataset(path), str(path)))
