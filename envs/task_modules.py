"""User task modules named in ACTJEPA_TASK_MODULES, imported on the first task lookup.

Importing is deferred (not done when `envs` is imported), so a module that
fails cannot break `actjepa --help`; the failure surfaces as one EnvError line
from the command that needed a task. The current folder is searched first,
as `python -m` does, so `ACTJEPA_TASK_MODULES=my_tasks actjepa tasks` works
from the folder that holds `my_tasks.py`.
"""

from __future__ import annotations

import importlib
import os
import sys

from actjepa.envs.errors import EnvError

ENV_VAR = "ACTJEPA_TASK_MODULES"
"""Comma-separated module names whose import registers tasks (envs.register_task calls)."""

_imported: set[str] = set()
_importing = False


def requested_modules() -> list[str]:
    """Module names listed in ACTJEPA_TASK_MODULES, in order."""
    return [m.strip() for m in os.environ.get(ENV_VAR, "").split(",") if m.strip()]


def _search_current_folder() -> None:
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)


def _import_failure(module: str, exc: Exception) -> str:
    detail = (str(exc).splitlines() or [""])[0] or type(exc).__name__
    if isinstance(exc, ModuleNotFoundError) and exc.name == module.split(".")[0]:
        fix = f"run from the folder that holds {module.replace('.', '/')}.py or add its folder to PYTHONPATH"
    else:
        fix = f"fix the error in {module} (import it with python -c 'import {module}' to see where)"
    return f"cannot import task module {module!r} named in {ENV_VAR} ({type(exc).__name__}: {detail}); {fix}"


def import_task_modules() -> None:
    """Import every listed module not imported yet; one EnvError line naming the module and the variable."""
    global _importing
    pending = [m for m in requested_modules() if m not in _imported]
    if _importing or not pending:
        return
    _search_current_folder()
    _importing = True
    try:
        for module in pending:
            try:
                importlib.import_module(module)
            except Exception as exc:  # any failure of user code becomes one line
                raise EnvError(_import_failure(module, exc)) from None
            _imported.add(module)
    finally:
        _importing = False
