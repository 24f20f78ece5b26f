"""`actjepa eval`: score controllers of a checkpoint on held-out episodes."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from benchmarks.harness import EvalConfig, evaluate, result_path
from benchmarks.io import ensure_writable, write_json_atomic
from benchmarks.report import controllers_table


def register(app: typer.Typer) -> None:
    """Add `actjepa eval`."""

    @app.command("eval")
    def eval_command(
        checkpoint: Path = typer.Option(..., help="Checkpoint folder written by `actjepa train`."),
        out: Path = typer.Option(..., help="Folder for results.json (and videos)."),
        controller: list[str] = typer.Option(["policy", "mppi+prior"], help="Controller to evaluate; repeat the option for several."),
        episodes: int = typer.Option(100, help="Held-out episodes per controller."),
        batch_size: int = typer.Option(50, help="Episodes run side by side."),
        num_samples: int = typer.Option(512, help="N: sampled action sequences per plan."),
        horizon: int = typer.Option(16, help="H: planning horizon."),
        iterations: int = typer.Option(6, help="Refinement rounds per plan."),
        replan_every: int = typer.Option(4, help="Actions executed per plan or policy chunk."),
        prior_checkpoint: Optional[Path] = typer.Option(None, help="Take the policy and the planning prior from another checkpoint (e.g. the BC baseline)."),
        videos: int = typer.Option(0, help="Episodes to render as GIF with the plan drawn beside the real path."),
        seed: int = typer.Option(0, help="Seed of the planners' noise."),
        device: str = typer.Option("cpu", help="cpu or cuda."),
        force: bool = typer.Option(False, help="Overwrite an existing results.json."),
    ) -> None:
        """Evaluate controllers on a fixed list of held-out starts and goals; write results.json."""
        from world_model import load_model

        target = result_path(out)
        ensure_writable(target, force)
        cfg = EvalConfig(controllers=tuple(controller), episodes=episodes, batch_size=batch_size,
                         num_samples=num_samples, horizon=horizon, iterations=iterations,
                         replan_every=replan_every, seed=seed, device=device)
        model, info = load_model(checkpoint, device=device)
        prior = None
        if prior_checkpoint is not None:
            prior, _ = load_model(prior_checkpoint, device=device, expect_task=info["task"])
        results = evaluate(model, info, cfg, prior=prior, checkpoint=str(checkpoint))
        if prior_checkpoint is not None:
            results["prior_checkpoint"] = str(prior_checkpoint)
        write_json_atomic(target, results)
        if videos > 0:
            from benchmarks.video import record_videos

            record_videos(model, info, cfg, out, count=videos, prior=prior)
        typer.echo(controllers_table(results))
        typer.echo(f"wrote {target}")
