"""A full disk or an interrupt during collection never crashes, never leaves a temporary file,
and never puts anything but a complete, verified file under the user's name."""

import errno
import os
import signal
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest

from actjepa.envs.collect import collect
from actjepa.envs.dataset import DatasetWriter, failsafe_file, load_dataset
from actjepa.envs.errors import DatasetError, EnvError

USER_BYTES = b"the user's earlier file"

LIMITED_CHILD = textwrap.dedent("""
    import resource, sys
    from actjepa.envs.collect import collect
    from actjepa.envs.errors import EnvError

    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        collect("reacher", "expert", episodes=400, seed=0, out=sys.argv[1], batch_size=20, force=True,
                progress=False)
    except EnvError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
""")


@pytest.fixture(autouse=True)
def fresh_process_signal_handlers():
    """Each test sees Ctrl-C and SIGTERM as a fresh `actjepa collect` process does, whatever handler an earlier
    test in this worker left behind (a library may install its own and keep it)."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def leftovers(folder, keep):
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


def test_file_size_limit_gives_one_line_error_and_keeps_user_file(tmp_path):
    """ulimit -f makes writes fail with EFBIG (CPython ignores SIGXFSZ); on main this crashed with exit 139."""
    out = tmp_path / "data.h5"
    out.write_bytes(USER_BYTES)
    child = subprocess.run(
        [sys.executable, "-c", LIMITED_CHILD, str(out), str(64 * 1024)],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert child.returncode == 2, child.stderr
    lines = child.stderr.strip().splitlines()
    assert lines == [f"file size limit reached writing {out} (see `ulimit -f`); raise it or choose another --out"]
    assert out.read_bytes() == USER_BYTES
    assert leftovers(tmp_path, "data.h5") == []


class FillingDisk:
    """A real file whose writes fail with ENOSPC once `budget` bytes have been written."""

    def __init__(self, handle, budget):
        self.handle, self.budget = handle, budget

    def write(self, data):
        if self.budget < len(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        self.budget -= len(data)
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)


def release_h5(info) -> None:
    """Free the failed writer's HDF5 objects now, while this test's file objects still exist.

    The traceback kept in `info` holds the writer's frames; left to interpreter shutdown, HDF5 frees its
    objects after the Python file they write through is gone and crashes the process.
    """
    import gc

    exc = info.value
    while exc is not None:  # the OSError behind the one-line error holds the writer's frames too
        exc.__traceback__, following = None, exc.__context__ or exc.__cause__
        exc.__context__ = exc.__cause__ = None
        exc = following
    info.traceback = None
    gc.collect()


def full_disk_after(monkeypatch, budget):
    real_open = open
    monkeypatch.setattr(failsafe_file, "open", lambda *a, **k: FillingDisk(real_open(*a, **k), budget), raising=False)


@pytest.mark.parametrize("budget", [0, 4_000, 40_000, 120_000])
def test_no_space_left_during_collection(tmp_path, monkeypatch, budget):
    """The disk fills at file creation, after some chunks, or near the end: same one-line error every time."""
    out = tmp_path / "data.h5"
    out.write_bytes(USER_BYTES)
    full_disk_after(monkeypatch, budget)
    with pytest.raises(EnvError) as info:
        collect("reacher", episodes=40, seed=0, out=out, batch_size=5, force=True, progress=False)
    assert "\n" not in str(info.value) and "free space" in str(info.value)
    assert out.read_bytes() == USER_BYTES
    assert leftovers(tmp_path, "data.h5") == []
    release_h5(info)


def test_no_space_left_at_the_final_sync(tmp_path, monkeypatch):
    out = tmp_path / "data.h5"

    def fsync_fails(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(failsafe_file.os, "fsync", fsync_fails)
    with pytest.raises(EnvError, match="free space"):
        collect("reacher", episodes=4, seed=0, out=out, batch_size=2, progress=False)
    assert not out.exists() and leftovers(tmp_path, "") == []


def test_writer_closes_cleanly_after_a_failed_write(tmp_path, monkeypatch):
    """The half-written HDF5 file closes without raising again, and the error stays visible."""
    full_disk_after(monkeypatch, 3_000)
    path = tmp_path / "w.h5"
    from tests.envs.test_dataset import META, synthetic

    arrays = synthetic()
    writer = None
    with pytest.raises(OSError) as info:
        writer = DatasetWriter(path, META, (3,), np.float32, 12, 2, 2)
        for _ in range(50):
            writer.append(arrays)
    assert info.value.errno == errno.ENOSPC
    if writer is not None:
        writer.close()
        assert writer.write_error.errno == errno.ENOSPC
    del writer
    release_h5(info)


def interrupt_inside_write(monkeypatch, on_chunk, signals):
    """Send `signals` to this process in the middle of writing chunk `on_chunk` (after resizing `actions`)."""
    real_setitem = h5py.Dataset.__setitem__
    calls = {"actions": 0}

    def setitem(self, key, value):
        if self.name == "/actions":
            calls["actions"] += 1
            if calls["actions"] == on_chunk:
                for sig in signals:
                    signal.raise_signal(sig)  # to this (main) thread: delivered at once, never by another thread later
        return real_setitem(self, key, value)

    monkeypatch.setattr(h5py.Dataset, "__setitem__", setitem)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_inside_a_write_keeps_a_complete_file(tmp_path, monkeypatch, sig):
    """Two signals mid-write: on main the second one broke off the write and the torn file was renamed."""
    out = tmp_path / "data.h5"
    interrupt_inside_write(monkeypatch, on_chunk=2, signals=[sig, sig])
    with pytest.raises(KeyboardInterrupt):
        collect("reacher", episodes=12, seed=0, out=out, batch_size=3, progress=False)
    data = load_dataset(out)
    assert data.num_episodes == 6  # both chunks whose write had started are complete
    assert leftovers(tmp_path, "data.h5") == []


def test_only_a_verified_file_is_renamed(tmp_path, monkeypatch):
    """A closed file whose contents do not check out is deleted; the user's file stays as it was."""
    out = tmp_path / "data.h5"
    out.write_bytes(USER_BYTES)
    real_append = DatasetWriter.append

    def append_then_damage(self, episodes):
        real_append(self, episodes)
        self.file.attrs["num_episodes"] = self.num_episodes + 1

    monkeypatch.setattr(DatasetWriter, "append", append_then_damage)
    with pytest.raises(DatasetError, match="check the disk"):
        collect("reacher", episodes=4, seed=0, out=out, batch_size=2, force=True, progress=False)
    assert out.read_bytes() == USER_BYTES
    assert leftovers(tmp_path, "data.h5") == []


def test_interrupt_while_finishing_keeps_the_file(tmp_path, monkeypatch):
    """Ctrl-C twice during the final verify-and-rename is delivered after the file is in place."""
    import actjepa.envs.collect as collect_module

    out = tmp_path / "data.h5"
    real_verify = collect_module.verify_written

    def verify_interrupted(path, count):
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        real_verify(path, count)

    monkeypatch.setattr(collect_module, "verify_written", verify_interrupted)
    with pytest.raises(KeyboardInterrupt):
        collect("reacher", episodes=4, seed=0, out=out, batch_size=2, progress=False)
    assert load_dataset(out).num_episodes == 4
    assert leftovers(tmp_path, "data.h5") == []
