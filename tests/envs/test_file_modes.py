"""Atomic writes give new files the user's umask and keep the mode of a file they rewrite."""

import os
import stat

import pytest

from actjepa.envs.atomic import atomic_write, current_umask, target_file_mode
from actjepa.envs.collect import collect


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    yield
    os.umask(previous)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_current_umask_reads_without_changing_it(umask_027):
    assert current_umask() == 0o027
    assert current_umask() == 0o027


def test_new_file_gets_umask_mode(tmp_path, umask_027):
    """On main, a temporary file from mkstemp was renamed into place with mode 0600."""
    path = tmp_path / "new.txt"
    atomic_write(path, lambda tmp: open(tmp, "w").write("hello"))
    assert path.read_text() == "hello"
    assert mode(path) == 0o640
    assert target_file_mode(tmp_path / "absent") == 0o640


@pytest.mark.parametrize("old_mode", [0o644, 0o600, 0o664, 0o755])
def test_rewritten_file_keeps_its_mode(tmp_path, umask_027, old_mode):
    path = tmp_path / "README.md"
    path.write_text("old")
    os.chmod(path, old_mode)
    atomic_write(path, lambda tmp: open(tmp, "w").write("new"))
    assert path.read_text() == "new"
    assert mode(path) == old_mode
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "keep.txt"
    path.write_text("old")

    def fail(tmp):
        open(tmp, "w").write("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(path, fail)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_collected_dataset_modes(tmp_path, umask_027):
    fresh = tmp_path / "fresh.h5"
    collect("reacher", episodes=2, out=fresh, batch_size=2, progress=False)
    assert mode(fresh) == 0o640
    shared = tmp_path / "shared.h5"
    shared.write_text("old")
    os.chmod(shared, 0o664)
    collect("reacher", episodes=2, out=shared, batch_size=2, force=True, progress=False)
    assert mode(shared) == 0o664
