"""`actjepa bench ...`: speed and memory benchmarks that write JSON, never tests."""

from __future__ import annotations

import typer

from benchmarks import bench_planner, bench_train


def register(app: typer.Typer) -> None:
    """Add the `bench` command group; each benchmark module adds its own subcommand."""
    bench_app = typer.Typer(help="Speed and memory benchmarks that write JSON.", no_args_is_help=True)
    bench_planner.register(bench_app)
    bench_train.register(bench_app)
    app.add_typer(bench_app, name="bench")
