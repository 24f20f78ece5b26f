"""Whether the requested controllers can run on a task, checked before any controller runs."""

from __future__ import annotations

from collections.abc import Iterable

from actjepa.envs.errors import EnvError
from actjepa.envs.gym_oracle import require_oracle
from actjepa.envs.registry import task_entry, task_spec


def check_controllers_available(task: str, controllers: Iterable[str]) -> None:
    """One-line EnvError when `task` is not registered (the message says how to register it) or a requested
    controller cannot work on it (today: the oracle on a task whose env is not MuJoCo-based), so no
    controller's results are lost to a later refusal."""
    task_spec(task)
    if "oracle" in controllers:
        require_oracle(task)
    if "oracle+cost" in controllers and not task_entry(task).builtin:
        raise EnvError(
            f"oracle+cost needs a built-in task (it encodes simulated observations); "
            f"drop it from --controller for {task!r}"
        )
