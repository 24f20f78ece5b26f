"""A collection the disk cannot hold is refused before any episode is simulated."""

import os
from collections import namedtuple

import pytest

from actjepa.envs.collect import collect
from actjepa.envs.dataset import size
from actjepa.envs.errors import EnvError
from actjepa.envs.registry import task_spec

Usage = namedtuple("Usage", "total used free")


@pytest.mark.parametrize("task", ["reacher", "maze"])
def test_estimate_is_a_tight_lower_bound_of_the_file(tmp_path, task):
    """Raw array bytes: at most the real file size, and within 30% of it for 40 episodes."""
    out = tmp_path / "d.h5"
    collect(task, episodes=40, out=out, batch_size=10, progress=False)
    estimate = 40 * size.episode_bytes(task_spec(task), "state")
    assert 0.7 * os.path.getsize(out) < estimate <= os.path.getsize(out)


def test_pixels_count_only_the_uncompressed_arrays():
    spec = task_spec("reacher")
    t, a, g = spec.max_episode_steps, spec.action_dim, spec.goal_dim
    assert size.episode_bytes(spec, "pixels") == 4 * t * a + 4 * g + 4 * (t + 1) * g + (t + 1) + 8


def test_absurd_episode_count_is_refused_up_front(tmp_path, monkeypatch):
    monkeypatch.setattr(size.shutil, "disk_usage", lambda path: Usage(10**9, 10**9 - 10**6, 10**6))
    out = tmp_path / "sub" / "d.h5"
    with pytest.raises(EnvError):
        collect("reacher", episodes=10**6, out=out, progress=False)
    assert list(tmp_path.iterdir()) == []
    collect("reacher", episodes=2, out=out, progress=False)  # 2 episodes fit in 1 MB
    assert out.exists()
