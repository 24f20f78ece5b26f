"""Collection: interrupted runs keep a readable file, nothing is overwritten without force."""

import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from actjepa.envs.collect import collect
from actjepa.envs.dataset import load_dataset
from actjepa.envs.errors import EnvError

CHILD = textwrap.dedent("""
    import sys
    import actjepa.envs.collect as c
    from actjepa.envs.dataset import io

    original = io.DatasetWriter.append
    def announce(self, episodes):
        original(self, episodes)
        print("chunk", self.num_episodes, flush=True)
    io.DatasetWriter.append = announce
    c.collect("reacher", "expert", episodes=1_000_000, noise=0.1, seed=0, out=sys.argv[1], batch_size=8,
              progress=False)
""")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_collection_leaves_readable_file(tmp_path, sig):
    out = tmp_path / "run.h5"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().startswith("chunk 8")
    child.send_signal(sig)
    _, err = child.communicate(timeout=60)
    assert child.returncode != 0
    data = load_dataset(out)
    kept = data.num_episodes
    assert kept >= 8 and kept % 8 == 0
    assert f"kept {kept} of 1000000" in err
    assert not list(tmp_path.glob(".*partial"))  # the temporary file was renamed


def test_no_overwrite_without_force(tmp_path):
    out = tmp_path / "keep.h5"
    out.write_text("user data")
    with pytest.raises(EnvError):
        collect("reacher", episodes=2, out=out, progress=False)
    assert out.read_text() == "user data"
    collect("reacher", episodes=2, out=out, force=True, progress=False, batch_size=1)
    assert load_dataset(out).num_episodes == 2


def test_pixel_collection(tmp_path):
    data = load_dataset(collect("reacher", episodes=2, out=tmp_path / "px.h5", obs_mode="pixels", progress=False))
    assert data.observations.shape == (2, 81, 64, 64, 3) and data.observations.dtype == np.uint8
    assert data.goal_observations.shape == (2, 64, 64, 3) and data.meta["obs_mode"] == "pixels"
