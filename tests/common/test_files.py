"""Atomic writes: content lands whole, modes are those of a plain write, failures leave the old file."""

from __future__ import annotations

import os
import stat

import pytest

from actjepa.common import atomic_write, package_version, write_text_atomic


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    """Set a umask for one test and restore the old one."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda mask: os.umask(mask)
    os.umask(old)


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_files_get_the_users_umask(tmp_path, umask, mask, expected):
    umask(mask)
    path = tmp_path / "sub" / "new.txt"
    write_text_atomic(path, "hello\n")
    assert path.read_text() == "hello\n" and _mode(path) == expected


def test_existing_files_keep_their_mode(tmp_path, umask):
    umask(0o022)
    path = tmp_path / "kept.json"
    path.write_text("old")
    path.chmod(0o640)
    write_text_atomic(path, "new")
    assert path.read_text() == "new" and _mode(path) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"old")

    def fail(tmp: str) -> None:
        with open(tmp, "wb") as handle:
            handle.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(path, fail)
    assert path.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]


def test_temporary_file_keeps_the_suffix_so_writers_pick_the_format(tmp_path):
    seen = []
    atomic_write(tmp_path / "plot.png", lambda tmp: (seen.append(tmp), open(tmp, "wb").close()))
    assert seen[0].endswith(".png") and (tmp_path / "plot.png").exists()


def test_package_version_is_a_version_string():
    version = package_version()
    assert version and version[0].isdigit()
