"""`actjepa demo`, `actjepa reproduce` and `actjepa report`: whole protocols and their report."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

import typer

from benchmarks.errors import UserError
from benchmarks.protocol import protocol


def _fresh(paths: list[Path], force: bool) -> None:
    if force:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)


def register(app: typer.Typer) -> None:
    """Add `demo`, `reproduce` and `report`."""

    @app.command("demo")
    def demo(
        workdir: Path = typer.Option(Path("runs/demo"), help="Folder for data and checkpoints."),
        report: Path = typer.Option(Path("report"), help="Folder for the JSON results, figures and index.md."),
        device: str = typer.Option("cpu", help="cpu or cuda."),
        force: bool = typer.Option(False, help="Start over instead of continuing an interrupted demo."),
    ) -> None:
        """Collect reacher data, train ACT-JEPA and BC, compare every controller, sweep the horizon, write report/index.md."""
        from benchmarks.pipeline import Pipeline

        _fresh([workdir, report], force)
        page = Pipeline(protocol("demo", device=device), workdir, report).run()
        typer.echo(f"report: {page}")

    @app.command("reproduce")
    def reproduce(
        task: str = typer.Option(..., help="Task whose protocol to run."),
        name: str = typer.Option("full", "--protocol", help="full (every experiment), compare (controllers only) or efficiency (ACT-JEPA against BC by demonstrations)."),
        workdir: Optional[Path] = typer.Option(None, help="Folder for data and checkpoints (default runs/full-TASK)."),
        report: Optional[Path] = typer.Option(None, help="Folder for results and figures (default results/TASK)."),
        steps: Optional[int] = typer.Option(None, help="Override the training steps of every model."),
        device: str = typer.Option("cpu", help="cpu or cuda."),
        force: bool = typer.Option(False, help="Start over instead of continuing."),
    ) -> None:
        """Run a protocol on one task: `full` = comparison, horizon and budget sweeps, data efficiency, open loop."""
        import envs
        from benchmarks.pipeline import Pipeline

        envs.task_spec(task)  # one-line error for unknown tasks
        workdir = workdir or Path(f"runs/{name}-{task}")
        report = report or Path(f"results/{task}")
        _fresh([workdir, report], force)
        page = Pipeline(protocol(name, task=task, train_steps=steps, device=device), workdir, report).run()
        typer.echo(f"report: {page}")

    @app.command("report")
    def report_command(
        folder: Path = typer.Option(Path("report"), help="Folder with the JSON results of a protocol run."),
        readme: Optional[Path] = typer.Option(None, help="Also rewrite the generated results block of this Markdown file."),
    ) -> None:
        """Regenerate index.md (and optionally the README's results block) from results JSON."""
        from benchmarks.report import results_markdown, update_markdown, write_report_page

        if not folder.is_dir():
            raise UserError(f"{folder} is not a folder of results; run `actjepa demo` first")
        page = write_report_page(folder)
        typer.echo(f"wrote {page}")
        if readme is not None:
            prefix = f"{folder.as_posix().rstrip('/')}/"
            update_markdown(readme, results_markdown(folder, figure_prefix=prefix))
            typer.echo(f"updated {readme}")
