"""`actjepa train`: train ACT-JEPA (or the BC baseline) on a demonstration file into a checkpoint folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from benchmarks.errors import UserError


def register(app: typer.Typer) -> None:
    """Add the `train` subcommand."""
    from benchmarks.training import TrainRequest

    d = TrainRequest(data=Path("data/reacher.h5"), out=Path("runs/reacher"))

    @app.command("train")
    def train_command(
        data: Path = typer.Option(..., help="Demonstration file written by `actjepa collect`."),
        out: Path = typer.Option(..., help="Checkpoint folder (model.safetensors, checkpoint.json, plots, metrics)."),
        baseline: Optional[str] = typer.Option(None, help="'bc' trains the behaviour-cloning baseline instead of ACT-JEPA."),
        preset: str = typer.Option(d.preset, help="Training settings: 'default' (planning quality) or 'demo' (quick)."),
        steps: Optional[int] = typer.Option(None, help="Optimizer steps (default: the preset's)."),
        batch_size: Optional[int] = typer.Option(None, help="Windows per step (default: the preset's)."),
        device: str = typer.Option(d.device, help="cpu or cuda."),
        seed: int = typer.Option(d.seed, help="Seed of initialisation, masking and window sampling."),
        regularizer: str = typer.Option(d.regularizer, help="Anti-collapse term: vicreg or sigreg."),
        val_fraction: float = typer.Option(d.val_fraction, help="Share of episodes held out for the open-loop plot."),
        resume: bool = typer.Option(False, "--resume", help="Continue from the checkpoint in --out."),
        force: bool = typer.Option(False, "--force", help="Start over, replacing the checkpoint in --out."),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    ) -> None:
        """Train a world model, e.g. --data data/reacher.h5 --out runs/reacher [--baseline bc]."""
        from benchmarks.training import train_on_dataset

        if baseline not in (None, "bc", "none"):
            raise UserError(f"--baseline {baseline!r} is unknown; use bc (or leave it out for ACT-JEPA)")
        if resume and force:
            raise UserError("--resume and --force contradict each other; pass one of them")
        if not data.is_file():
            raise UserError(f"{data} does not exist; collect demonstrations first with `actjepa collect --out {data}`")
        request = TrainRequest(data=data, out=out, baseline=None if baseline == "none" else baseline, preset=preset,
                               steps=steps, batch_size=batch_size, seed=seed, device=device, regularizer=regularizer,
                               val_fraction=val_fraction, resume=resume, force=force)
        train_on_dataset(request, progress=progress)
        typer.echo(_summary(out))


def _summary(out: Path) -> str:
    """A few lines a user reads after training: where things are and how good the rollouts are."""
    info = json.loads((out / "checkpoint.json").read_text())
    kind = "bc" if info["model_config"]["baseline"] == "bc" else "act-jepa"
    lines = [f"trained {kind} model for {info['task']} ({info['obs_mode']}) to step {info['step']}: {out}"]
    open_loop = out / "open_loop.json"
    if open_loop.is_file():
        res = json.loads(open_loop.read_text())
        h = len(res["horizon"])
        lines.append(f"open-loop latent error at step 1/{h}: {res['model'][0]:.3f}/{res['model'][-1]:.3f} "
                     f"(copy-last {res['copy_last'][0]:.3f}/{res['copy_last'][-1]:.3f}; 1.0 = random latent)")
    lines.append(f"plots: {out / 'loss_curves.png'}, {out / 'embedding_health.png'}, {out / 'open_loop.png'}")
    return "\n".join(lines)
