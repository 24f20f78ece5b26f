"""`actjepa tasks`: list the registered tasks with their shapes and success rules."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `tasks` subcommand."""

    @app.command("tasks")
    def tasks_command() -> None:
        """List tasks: observation/action/goal shapes, episode steps and success rule."""
        from envs.summary import task_table

        typer.echo(task_table())
