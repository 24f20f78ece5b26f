"""Atomic file output: write a temporary file beside the target, give it the right mode, rename it.

A reader never sees a half-written file, a crash never leaves one under the
user's name, and the result has the mode a plain `open(path, "w")` would give:
an existing file keeps its mode, a new one gets 0o666 minus the user's umask
(`tempfile.mkstemp` alone would leave 0o600).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    """The process umask (read by setting and restoring it; there is no read-only call)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def target_mode(path: Path) -> int:
    """Permission bits the file at `path` should end up with."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def replace_into(tmp: str | Path, path: str | Path) -> None:
    """Give the finished temporary file `tmp` the mode `path` should have and rename it onto `path`."""
    os.chmod(tmp, target_mode(Path(path)))
    os.replace(tmp, path)


def atomic_write(path: str | Path, write: Callable[[str], object]) -> None:
    """Call write(tmp_path) for a temporary file in `path`'s folder, then move it into place.

    The temporary file is removed when `write` fails, and `path` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        replace_into(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write `text` to `path` atomically."""
    atomic_write(path, lambda tmp: Path(tmp).write_text(text))
