"""Renaming a finished temporary file into place with the mode the user expects; messages for failed writes.

`tempfile.mkstemp` creates files with mode 0600; renamed as they are, every
checkpoint or plot would lose the permissions the user's umask allows, and a
rewritten file its earlier mode. (envs/atomic.py holds the same logic for the
envs package; world_model must not import envs.)
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def _umask() -> int:
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


def replace_keeping_mode(tmp: str | Path, path: str | Path) -> None:
    """Rename `tmp` onto `path`; it gets the mode of the file it replaces, or 0o666 minus the umask if none."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        mode = 0o666 & ~_umask()
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def write_failure_message(path: str | Path, exc: OSError) -> str:
    """One line for an OSError raised while writing `path`: what happened and what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left writing {path}; free space or choose another --out"
    if exc.errno == errno.EFBIG:
        return f"file size limit reached writing {path} (see `ulimit -f`); raise it or choose another --out"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot write {path}: permission denied; choose another --out"
    return f"cannot write {path} ({exc.strerror or exc}); choose another --out"
