"""Atomic file replacement that respects file modes, and one-line messages for failed writes.

A temporary file renamed onto its target would otherwise carry the temporary
file's mode (0600 from `tempfile.mkstemp`) instead of what the user expects:
a new file gets the permissions the user's umask allows (like `open(path, "w")`),
a rewritten file keeps the mode it had. Every atomic write in the project is
meant to go through `replace_keeping_mode` (or `atomic_write`).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from envs.errors import EnvError

NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
"""Errors that mean the disk (or the user's quota) is full."""


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (/proc), else by setting it back at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def target_file_mode(path: str | Path) -> int:
    """Permission bits a file written to `path` should get: the existing file's, else 0o666 minus the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return 0o666 & ~current_umask()


def replace_keeping_mode(tmp: str | Path, path: str | Path) -> None:
    """Rename the finished temporary file `tmp` onto `path`, with the mode `target_file_mode(path)` gives."""
    os.chmod(tmp, target_file_mode(path))
    os.replace(tmp, path)


def atomic_write(path: str | Path, write: Callable[[str], None]) -> None:
    """Call write(tmp_path) for a temporary file next to `path`, then rename it into place (modes kept)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        replace_keeping_mode(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_failure(path: str | Path, exc: OSError) -> EnvError:
    """A one-line EnvError for an OSError raised while writing `path` (disk full, size limit, permissions...)."""
    if exc.errno in NO_SPACE_ERRNOS:
        return EnvError(f"no space left writing {path}; free space or choose another --out")
    if exc.errno == errno.EFBIG:
        return EnvError(f"file size limit reached writing {path} (see `ulimit -f`); raise it or choose another --out")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return EnvError(f"cannot write {path}: permission denied; choose another --out")
    reason = exc.strerror or str(exc)
    return EnvError(f"cannot write {path} ({reason}); choose another --out")
