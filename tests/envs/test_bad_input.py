"""Damaged or foreign dataset files, datasets of another task, and negative seeds: one-line errors."""

import functools
import tempfile
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actjepa.envs.collect import collect
from actjepa.envs.dataset import WindowSampler, check_dataset_task, load_dataset, split_episodes
from actjepa.envs.errors import DatasetError, EnvError
from actjepa.envs.seeds import training_seeds
from tests.envs.test_dataset import E, synthetic, write


def replace(f, name, **kwargs):
    del f[name]
    f.create_dataset(name, **kwargs)


DAMAGE = {
    "actions is a group, not an array": lambda f: (f.__delitem__("actions"), f.create_group("actions")),
    "observations has dtype \\|S5, expected float or unsigned integer": lambda f: replace(
        f, "observations", data=np.array([[b"bytes"] * 13] * E)
    ),
    "actions has dtype \\|S1, expected float": lambda f: replace(f, "actions", data=np.array([b"x"] * E)),
    "episode_seeds has dtype float32, expected integer": lambda f: replace(
        f, "episode_seeds", data=np.zeros(E, np.float32)
    ),
    "successes has dtype float64": lambda f: replace(f, "successes", data=np.zeros((E, 13))),
    "episode_seeds has shape \\(\\)": lambda f: replace(f, "episode_seeds", data=np.int64(3)),
    "episode counts disagree": lambda f: replace(f, "actions", data=np.float32(1.0)),
    "attribute num_episodes is 'five', not an integer": lambda f: f.attrs.__setitem__("num_episodes", "five"),
    "missing task": lambda f: f.attrs.__delitem__("task"),
    "achieved_goals has shape": lambda f: replace(f, "achieved_goals", data=np.zeros((E, 13, 9), np.float32)),
}


@pytest.mark.parametrize("message,damage", list(DAMAGE.items()), ids=list(range(len(DAMAGE))))
def test_malformed_layouts(tmp_path, message, damage):
    """On main a group named `actions` or a string array raised TypeError with a traceback."""
    path = write(tmp_path / "d.h5", synthetic())
    with h5py.File(path, "a") as f:
        damage(f)
    with pytest.raises(DatasetError, match=message) as info:
        load_dataset(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(
    "content",
    [b"", b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 8, np.random.default_rng(0).bytes(5000)],
    ids=["empty", "bad-superblock", "random"],
)
def test_random_bytes(tmp_path, content):
    path = tmp_path / "d.h5"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match="unreadable or truncated HDF5 file") as info:
        load_dataset(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_files(tmp_path, fraction):
    path = write(tmp_path / "d.h5", synthetic())
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * fraction)])
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_a_folder_is_not_a_dataset(tmp_path):
    with pytest.raises(DatasetError, match="no dataset file"):
        load_dataset(tmp_path)


def test_dataset_of_another_task(tmp_path):
    data = load_dataset(write(tmp_path / "d.h5", synthetic()))
    check_dataset_task(data, "reacher", "state")
    with pytest.raises(
        DatasetError,
        match=r"dataset x.h5 holds task 'reacher', but task 'maze' is needed "
        r"\(the run being resumed was trained on it\); pass a dataset collected "
        r"with `actjepa collect --task maze`",
    ):
        check_dataset_task(data, "maze", path="x.h5", context="the run being resumed was trained on it")
    with pytest.raises(DatasetError, match="holds 'state' observations, but 'pixels' are needed"):
        check_dataset_task(data, "reacher", "pixels")


@pytest.mark.parametrize(
    "call",
    [
        lambda data: collect("reacher", episodes=2, seed=-1, out="never.h5", progress=False),
        lambda data: training_seeds(-3, 4),
        lambda data: split_episodes(5, 0.2, seed=-1),
        lambda data: WindowSampler(data, 2, 2, seed=-7),
    ],
    ids=["collect", "training_seeds", "split", "sampler"],
)
def test_negative_seeds(tmp_path, call):
    """On main numpy raised `ValueError: expected non-negative integer` from deep inside."""
    data = load_dataset(write(tmp_path / "d.h5", synthetic()))
    with pytest.raises(EnvError, match="--seed must be a whole number >= 0, got -"):
        call(data)
    assert not (tmp_path / "never.h5").exists()


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
