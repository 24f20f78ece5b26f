"""Atomic, mode-keeping file replacement for the envs package, and its one-line write errors.

The implementation lives in actjepa.common.files (one for the whole project);
this module gives it the names envs uses and wraps write failures in EnvError.
"""

from __future__ import annotations

from pathlib import Path

from actjepa.common.files import NO_SPACE_ERRNOS, atomic_write, current_umask, write_failure_message
from actjepa.common.files import replace_into as replace_keeping_mode
from actjepa.common.files import target_mode as target_file_mode
from actjepa.envs.errors import EnvError

__all__ = [
    "NO_SPACE_ERRNOS",
    "atomic_write",
    "current_umask",
    "replace_keeping_mode",
    "target_file_mode",
    "write_failure",
]


def write_failure(path: str | Path, exc: OSError) -> EnvError:
    """A one-line EnvError for an OSError raised while writing `path` (disk full, size limit, permissions...)."""
    return EnvError(write_failure_message(path, exc))
