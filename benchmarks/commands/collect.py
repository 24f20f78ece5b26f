"""`actjepa collect`: record demonstration episodes to HDF5, or `--inspect` an existing file."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the `collect` subcommand."""
    from envs.collect import CollectConfig

    d = CollectConfig()

    @app.command("collect")
    def collect_command(
        task: str = typer.Option(d.task, help="Task name (see `actjepa tasks`)."),
        source: str = typer.Option(d.source, help="expert (scripted, plus noise) or play (correlated random)."),
        episodes: int = typer.Option(d.episodes, help="Number of episodes."),
        noise: float = typer.Option(d.noise, help="Expert noise std as a fraction of the half action range."),
        seed: int = typer.Option(d.seed, help="Seed for starts, goals and noise."),
        out: Path = typer.Option(d.out, help="Destination HDF5 file."),
        obs_mode: str = typer.Option(d.obs_mode, help="state or pixels."),
        batch_size: int = typer.Option(d.batch_size, help="Episodes simulated side by side."),
        force: bool = typer.Option(d.force, "--force", help="Overwrite an existing --out file."),
        progress: bool = typer.Option(d.progress, "--progress/--no-progress", help="Show a progress bar."),
        inspect: Optional[Path] = typer.Option(None, help="Print a summary of this dataset file and exit."),
    ) -> None:
        """Collect demonstrations (e.g. --task reacher --episodes 200 --out data/reacher.h5) or --inspect FILE."""
        from envs.dataset import load_dataset
        from envs.summary import dataset_summary

        if inspect is not None:
            typer.echo(dataset_summary(load_dataset(inspect), str(inspect)))
            return
        from envs.collect import collect

        cfg = CollectConfig(task, source, episodes, noise, seed, out, obs_mode, batch_size, force, progress)
        path = collect(**asdict(cfg))
        typer.echo(dataset_summary(load_dataset(path), str(path)))
