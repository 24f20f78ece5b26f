"""Importing outside demonstrations: a Minari dataset written by Minari itself, and .npz / HDF5 array files."""

import h5py
import numpy as np
import pytest

from actjepa.envs.dataset import load_dataset
from actjepa.envs.dataset.importers import ImportConfig, import_dataset
from actjepa.envs.errors import EnvError
from tests.envs.tiny_goal_env import goal_observation, register


def test_minari_import_keeps_the_demonstrations(minari_home, tmp_path):
    out = import_dataset(ImportConfig(source="tiny/point-v0", task="tiny_point", out=tmp_path / "m.h5"))
    data = load_dataset(out)
    kept = [b for b in minari_home if len(b.actions) >= 40]  # 40, 45 (cut), 40; the 30-step one is dropped
    assert data.observations.shape == (3, 41, 4) and data.actions.shape == (3, 40, 2)
    for i, episode in enumerate(kept):
        np.testing.assert_allclose(data.observations[i], episode.observations["observation"][:41], rtol=1e-6)
        np.testing.assert_allclose(data.actions[i], episode.actions[:40])
        np.testing.assert_allclose(data.achieved_goals[i], episode.observations["achieved_goal"][:41], rtol=1e-6)
        np.testing.assert_allclose(data.desired_goals[i], episode.observations["desired_goal"][0], rtol=1e-6)
    distance = np.linalg.norm(data.achieved_goals - data.desired_goals[:, None], axis=-1)
    np.testing.assert_array_equal(data.successes, distance < 0.03)  # the task's success rule
    assert data.successes[:, -1].all()  # noisy PD demonstrations still reach their goals
    expected_goal_obs = np.stack([goal_observation(None, g) for g in data.desired_goals])
    np.testing.assert_allclose(data.goal_observations, expected_goal_obs, atol=1e-6)
    m = data.meta
    assert (m["task"], m["source"], m["import_format"], m["import_source"]) == (
        "tiny_point",
        "import",
        "minari",
        "tiny/point-v0",
    )
    assert (m["episodes_dropped_short"], m["episodes_cut"], m["goal_observation_source"]) == (1, 1, "task")
    assert m["minari_version"] and m["imported_at"].endswith("+00:00") and m["package_version"]


def tiny_point_arrays(e=3, t=40, seed=0):
    """Episodes of the tiny task in the documented array layout."""
    rng = np.random.default_rng(seed)
    achieved = rng.uniform(-0.3, 0.3, size=(e, t + 1, 2))
    return {
        "observations": np.concatenate([achieved - [0.05, 0.0], np.zeros((e, t + 1, 2))], axis=-1),
        "actions": rng.uniform(-1, 1, size=(e, t, 2)),
        "achieved_goals": achieved,
        "desired_goals": achieved[:, -1] + 0.01,
    }


@pytest.mark.parametrize("suffix", [".npz", ".h5"])
def test_array_file_import(tmp_path, suffix):
    register("tiny_point")
    arrays = tiny_point_arrays()
    src = tmp_path / f"demo{suffix}"
    if suffix == ".npz":
        np.savez(src, **arrays, episode_seeds=np.array([7, 8, 9]))
    else:
        with h5py.File(src, "w") as handle:
            for key, value in {**arrays, "episode_seeds": np.array([7, 8, 9])}.items():
                handle[key] = value
    data = load_dataset(
        import_dataset(
            ImportConfig(source=str(src), task="tiny_point", out=tmp_path / "d.h5", goal_observations="final")
        )
    )
    np.testing.assert_allclose(data.observations, arrays["observations"], rtol=1e-6)
    np.testing.assert_allclose(data.goal_observations, arrays["observations"][:, -1], rtol=1e-6)
    np.testing.assert_array_equal(data.episode_seeds, [7, 8, 9])
    assert data.successes[:, -1].all() and not data.successes[:, 0].any()  # 0.01 from the goal at the end only
    assert data.meta["import_format"] == ("npz" if suffix == ".npz" else "hdf5")
    assert data.meta["import_source"] == str(src.resolve()) and len(data.meta["import_sha256"]) == 64


def test_existing_output_needs_force_and_keeps_its_mode(tmp_path):
    register("tiny_point")
    np.savez(tmp_path / "a.npz", **tiny_point_arrays())
    out = tmp_path / "d.h5"
    out.write_text("user data")
    out.chmod(0o640)
    cfg = ImportConfig(source=str(tmp_path / "a.npz"), task="tiny_point", out=out)
    with pytest.raises(EnvError):
        import_dataset(cfg)
    assert out.read_text() == "user data"
    cfg.force = True
    assert load_dataset(import_dataset(cfg)).num_episodes == 3 and (out.stat().st_mode & 0o777) == 0o640
