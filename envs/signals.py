"""Hold Ctrl-C and SIGTERM back while a file is in an inconsistent state.

Python runs signal handlers between bytecodes, which includes the Python file
object that HDF5 writes through: an interrupt there would fail an HDF5 write
half-way and leave a file that can neither be closed nor used. Inside
`deferred_signals()` the signals are only recorded; they are delivered to the
handlers that were in place, in order, as soon as the block ends.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def deferred_signals() -> Iterator[None]:
    """Record SIGINT/SIGTERM during the block and deliver them after it (main thread; elsewhere a no-op)."""
    received: list[int] = []
    previous: dict[int, object] = {}
    try:
        for sig in DEFERRED_SIGNALS:
            previous[sig] = signal.signal(sig, lambda signum, frame: received.append(signum))
    except ValueError:  # not the main thread: Python delivers no signal here anyway
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in received:
            _deliver(signum, previous.get(signum, signal.SIG_DFL))


def _deliver(signum: int, handler: object) -> None:
    """Run what the restored handler would have done had the signal arrived now."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)


class BatchBoundaryInterrupt:
    """Ctrl-C and SIGTERM stop collection at the next batch boundary (main thread only).

    An interrupt that lands inside an HDF5 write can leave h5py's lock held and
    hang the clean-up, so the first signal only sets a flag that the loop checks
    between batches; a second signal interrupts at once.
    """

    def __init__(self) -> None:
        self.requested = False
        self.previous: dict[int, object] = {}

    def _handler(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def check(self) -> None:
        """Raise KeyboardInterrupt here, between batches, if a signal arrived."""
        if self.requested:
            raise KeyboardInterrupt

    def __enter__(self) -> BatchBoundaryInterrupt:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[sig] = signal.signal(sig, self._handler)
            except ValueError:  # not the main thread: signals keep their default behaviour
                break
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
