"""`actjepa train`: train ACT-JEPA (or the BC baseline) on a demonstration file into a checkpoint folder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from benchmarks.errors import UserError
from benchmarks.experiments.training import TrainRequest


@dataclass(frozen=True)
class TrainCommand:
    """Train a world model, e.g. --data data/reacher.h5 --out runs/reacher [--baseline bc]."""

    request: TrainRequest
    "The training run."
    progress: bool = True
    "Show a progress bar."

    def run(self) -> None:
        from benchmarks.cli import guards
        from benchmarks.experiments.training import train_on_dataset

        data, settings = self.request.data, self.request.settings
        if not data.exists():
            raise UserError(f"{data} does not exist; collect demonstrations first with `actjepa collect --out {data}`")
        guards.check_input_file(data, "--data")
        guards.check_output_folder(self.request.out)
        for flag, value in (
            ("--steps", settings.steps),
            ("--batch-size", settings.batch_size),
            ("--checkpoint-every", settings.checkpoint_every),
        ):
            guards.check_positive(flag, value)
        if settings.lr is not None and not 0 < settings.lr < float("inf"):
            raise UserError(f"--lr must be a positive number, got {settings.lr}")
        guards.check_device(settings.device)
        train_on_dataset(self.request, progress=self.progress)
        print(summary(self.request.out))


def summary(out: Path) -> str:
    """A few lines a user reads after training: where things are and how good the rollouts are."""
    info = json.loads((out / "checkpoint.json").read_text())
    kind = "bc" if info["model_config"]["baseline"] == "bc" else "act-jepa"
    lines = [f"trained {kind} model for {info['task']} ({info['obs_mode']}) to step {info['step']}: {out}"]
    open_loop = out / "open_loop.json"
    if open_loop.is_file():
        res = json.loads(open_loop.read_text())
        h = len(res["horizon"])
        lines.append(
            f"open-loop latent error at step 1/{h}: {res['model'][0]:.3f}/{res['model'][-1]:.3f} "
            f"(copy-last {res['copy_last'][0]:.3f}/{res['copy_last'][-1]:.3f}; 1.0 = random latent)"
        )
    lines.append(f"plots: {out / 'loss_curves.png'}, {out / 'embedding_health.png'}, {out / 'open_loop.png'}")
    return "\n".join(lines)
