"""The `actjepa` command line: one Typer app, one module per subcommand.

Every error meant for a user is printed as a single line on stderr with a
non-zero exit code; tracebacks are reserved for bugs.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

# Headless rendering by default; respect a user's explicit choice.
os.environ.setdefault("MUJOCO_GL", "egl")

from benchmarks.errors import UserError  # noqa: E402
from envs.errors import EnvError  # noqa: E402
from planner.errors import PlannerError  # noqa: E402
from world_model.errors import WorldModelError  # noqa: E402

USER_ERRORS = (UserError, EnvError, PlannerError, WorldModelError, FileExistsError, FileNotFoundError)

# Each module in benchmarks/commands defines `register(app: typer.Typer) -> None`.
COMMAND_MODULES = ("tasks", "collect", "train", "evaluate", "demo", "bench")

app = typer.Typer(
    name="actjepa",
    help="Latent model-predictive planning with an ACT-JEPA world model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"benchmarks.commands.{_name}").register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `actjepa` console script."""
    try:
        app(args=argv, prog_name="actjepa")
    except USER_ERRORS as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"actjepa: error: {message}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("actjepa: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
