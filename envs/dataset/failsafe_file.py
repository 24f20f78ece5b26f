"""A binary file for h5py to write through that survives a full disk.

HDF5 cannot recover from a failed write: closing the file raises again and
freeing its objects afterwards crashes the interpreter (segmentation fault).
This file object therefore never reports a failure to HDF5. The first OSError
(disk full, file size limit, I/O error) is recorded in `error`, and from then
on writes are dropped, so HDF5 can close cleanly; the caller checks `error`
after each write and discards the file.
"""

from __future__ import annotations

import os
from pathlib import Path


class FailSafeFile:
    """Unbuffered read/write file (created or truncated) whose write failures are recorded, not raised."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.raw = open(self.path, "w+b", buffering=0)
        self.error: OSError | None = None

    def _guard(self, action) -> None:
        if self.error is None:
            try:
                action()
            except OSError as exc:
                self.error = exc

    def write(self, data) -> int:
        """Write all of `data` (or drop it once a write has failed); returns its length, as HDF5 expects."""
        view = memoryview(data).cast("B")
        size = len(view)

        def write_all() -> None:
            nonlocal view
            while len(view):
                view = view[self.raw.write(view) :]

        self._guard(write_all)
        return size

    def truncate(self, size: int | None = None) -> int:
        self._guard(lambda: self.raw.truncate(size))
        return self.raw.tell() if size is None else size

    def read(self, size: int = -1) -> bytes:
        return self.raw.read(size)

    def readinto(self, buffer) -> int:
        return self.raw.readinto(buffer)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def flush(self) -> None:
        """Nothing is buffered here; durability comes from `close`'s fsync."""

    def close(self) -> None:
        """Make the bytes durable (fsync, unless a write already failed) and close the handle."""
        if not self.raw.closed:
            self._guard(lambda: os.fsync(self.raw.fileno()))
            self.raw.close()
