"""Atomic file output: write a temporary file beside the target, give it the right mode, rename it.

A reader never sees a half-written file, a crash never leaves one under the
user's name, and the result has the mode a plain `open(path, "w")` would give:
an existing file keeps its mode, a new one gets 0o666 minus the user's umask
(`tempfile.mkstemp` alone would leave 0o600). This is the project's one
implementation; envs/atomic.py and world_model/training/file_modes.py re-export it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
"Errors that mean the disk (or the user's quota) is full."


def current_umask() -> int:
    """The process umask, read from /proc where Linux offers it (no change of global state), else set back at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def target_mode(path: str | Path) -> int:
    """Permission bits a file written to `path` should get: the existing file's, else 0o666 minus the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return 0o666 & ~current_umask()


def replace_into(tmp: str | Path, path: str | Path) -> None:
    """Give the finished temporary file `tmp` the mode `path` should have and rename it onto `path`."""
    os.chmod(tmp, target_mode(path))
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


def write_failure_message(path: str | Path, exc: OSError, flag: str = "--out") -> str:
    """One line for an OSError raised while writing `path` (disk full, size limit, permissions...): what to do."""
    if exc.errno in NO_SPACE_ERRNOS:
        return f"no space left writing {path}; free space or choose another {flag}"
    if exc.errno == errno.EFBIG:
        return f"file size limit reached writing {path} (see `ulimit -f`); raise it or choose another {flag}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot write {path}: permission denied; choose another {flag}"
    return f"cannot write {path} ({exc.strerror or exc}); choose another {flag}"


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (datasets and model weights are identified by it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
