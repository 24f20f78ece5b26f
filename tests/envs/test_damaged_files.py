"""Damaged dataset files never escape as tracebacks: they load, or fail with one DatasetError line."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actjepa.envs.dataset import load_dataset
from actjepa.envs.errors import DatasetError
from tests.envs.test_dataset import E, synthetic, write


@functools.cache
def valid_file_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write(Path(folder) / "valid.h5", synthetic()).read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 1.0, exclude_max=True), flips=st.lists(st.integers(0, 10**6), max_size=8))
def test_damaged_files_never_escape_as_tracebacks(tmp_path, cut, flips):
    """A valid file truncated anywhere and with random bytes flipped loads, or fails with one DatasetError line."""
    path = tmp_path / "fuzz.h5"
    raw = bytearray(valid_file_bytes())
    for position in flips:
        raw[position % len(raw)] ^= 0xFF
    path.write_bytes(bytes(raw[: max(1, int(len(raw) * cut))] if cut else raw))
    try:
        data = load_dataset(path)
    except DatasetError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
    else:
        assert data.num_episodes == E
