"""Dataset files round-trip exactly; every malformed file gives a one-line DatasetError."""

import numpy as np
import pytest

from actjepa import envs
from actjepa.envs.collect import collect
from actjepa.envs.dataset import (
    SCHEMA_VERSION,
    DatasetWriter,
    WindowSampler,
    load_dataset,
    normalization_stats,
    split_episodes,
)
from actjepa.envs.errors import DatasetError

E, T, OBS, A, G = 5, 12, (3,), 2, 2


def synthetic(num_episodes=E, steps=T):
    """Episodes whose values encode (episode, time): obs[e, t] = 1000 e + t."""
    e = np.arange(num_episodes)[:, None]
    t = np.arange(steps + 1)[None]
    code = (1000 * e + t).astype(np.float32)
    return {
        "observations": np.repeat(code[..., None], OBS[0], axis=-1),
        "actions": np.repeat(code[:, :-1, None], A, axis=-1),
        "goal_observations": np.full((num_episodes, *OBS), -1.0, np.float32),
        "desired_goals": np.zeros((num_episodes, G), np.float32),
        "achieved_goals": np.repeat(code[..., None], G, axis=-1),
        "successes": (t >= steps // 2).repeat(num_episodes, 0),
        "episode_seeds": np.arange(num_episodes, dtype=np.int64) + 100,
    }


META = {"task": "reacher", "obs_mode": "state", "source": "expert", "noise": 0.0, "seed": 0, "package_version": "0"}


def write(path, arrays, chunks=(2, 3)):
    writer = DatasetWriter(path, META, OBS, np.float32, T, A, G)
    start = 0
    for size in chunks:
        writer.append({k: v[start : start + size] for k, v in arrays.items()})
        start += size
    writer.close()
    return path


def test_round_trip_exact(tmp_path):
    arrays = synthetic()
    data = load_dataset(write(tmp_path / "d.h5", arrays))
    for name, value in arrays.items():
        np.testing.assert_array_equal(getattr(data, name), value)
        assert getattr(data, name).dtype == value.dtype
    assert data.meta["schema_version"] == SCHEMA_VERSION and data.meta["task"] == "reacher"
    assert len(data.sha256) == 64 and (data.num_episodes, data.episode_steps) == (E, T)


def test_collected_data_replays_in_the_env(tmp_path):
    path = collect("push", "expert", episodes=6, noise=0.2, seed=1, out=tmp_path / "p.h5", batch_size=4, progress=False)
    data = load_dataset(path)
    assert data.observations.shape == (6, 81, 8) and data.actions.dtype == np.float32
    again = load_dataset(
        collect("push", "expert", episodes=6, noise=0.2, seed=1, out=tmp_path / "q.h5", batch_size=4, progress=False)
    )
    np.testing.assert_array_equal(again.observations, data.observations)
    env = envs.make("push", num_envs=6)
    obs = env.reset(data.episode_seeds)
    np.testing.assert_array_equal(obs["goal_observation"], data.goal_observations)
    for t in range(data.episode_steps):
        obs, _, _, _, info = env.step(data.actions[:, t])
        np.testing.assert_allclose(obs["observation"], data.observations[:, t + 1], atol=1e-5)
        np.testing.assert_array_equal(info["success"], data.successes[:, t + 1])


def test_play_source_is_correlated_and_in_range(tmp_path):
    data = load_dataset(collect("maze", "play", episodes=4, noise=0.0, seed=0, out=tmp_path / "m.h5", progress=False))
    a = data.actions
    assert a.min() >= -1 and a.max() <= 1 and a.std() > 0.2
    lag1 = np.mean(a[:, 1:] * a[:, :-1]) / np.mean(a * a)
    assert lag1 > 0.6  # temporally correlated, unlike white noise


def test_window_sampler_alignment_and_purity(tmp_path):
    data = load_dataset(write(tmp_path / "d.h5", synthetic()))
    k, c = 3, 4
    sampler = WindowSampler(data, k, c, seed=7, episodes=np.array([1, 3]), final_goal_prob=0.3)
    batch = sampler.batch(step=5, batch_size=256)
    assert batch["obs"].shape == (256, k + c, *OBS) and batch["actions"].shape == (256, k + c - 1, A)
    assert batch["goal_obs"].shape == (256, *OBS)
    code = batch["obs"][..., 0]
    episode, time = code // 1000, code % 1000
    assert set(np.unique(episode)) == {1, 3}
    assert np.all(episode == episode[:, :1]) and np.all(np.diff(time, axis=1) == 1)
    assert time.min() >= 0 and time.max() <= T
    np.testing.assert_array_equal(batch["actions"][..., 0], code[:, :-1])  # action i follows obs i
    goal_code = batch["goal_obs"][:, 0]
    assert np.all(goal_code // 1000 == episode[:, 0])
    t_now = time[:, k - 1]
    assert np.all(goal_code % 1000 > t_now)
    assert 0.2 < np.mean(goal_code % 1000 == T) < 0.6  # final goal with prob 0.3, plus random hits of T
    np.testing.assert_array_equal(sampler.batch(5, 256)["obs"], batch["obs"])
    assert not np.array_equal(sampler.batch(6, 256)["obs"], batch["obs"])
    always_final = WindowSampler(data, k, c, seed=0, final_goal_prob=1.0).batch(0, 64)
    assert np.all(always_final["goal_obs"][:, 0] % 1000 == T)


def test_window_sampler_runs_of_consecutive_windows_with_a_goal_each(tmp_path):
    data = load_dataset(write(tmp_path / "d.h5", synthetic()))
    k, c, g = 2, 3, 4
    runs = WindowSampler(data, k, c, seed=7, final_goal_prob=0.3, windows_per_run=g).batch(step=5, batch_size=64)
    assert runs["obs"].shape == (16, k + c + g - 1, *OBS) and runs["actions"].shape == (16, k + c + g - 2, A)
    assert runs["goal_obs"].shape == (64, *OBS) and runs["goal_steps"].shape == (64,)
    code = runs["obs"][..., 0]
    episode, time = code // 1000, code % 1000
    assert np.all(episode == episode[:, :1]) and np.all(np.diff(time, axis=1) == 1)
    np.testing.assert_array_equal(runs["actions"][..., 0], code[:, :-1])
    t_now = (time[:, k - 1, None] + np.arange(g)).reshape(-1)  # window i of a run: one step after window i-1
    goal_code = runs["goal_obs"][:, 0]
    assert np.all(goal_code // 1000 == np.repeat(episode[:, 0], g))
    np.testing.assert_array_equal(goal_code % 1000 - t_now, runs["goal_steps"])
    assert np.all(runs["goal_steps"] > 0)
    alone = WindowSampler(data, k, c, seed=7, final_goal_prob=0.3).batch(step=5, batch_size=64)
    np.testing.assert_array_equal(WindowSampler(data, k, c, seed=7, final_goal_prob=0.3, windows_per_run=1)
                                  .batch(5, 64)["obs"], alone["obs"])  # fmt: skip
    with pytest.raises(DatasetError, match="a batch of 10 windows does not split into runs of 4"):
        WindowSampler(data, k, c, seed=7, windows_per_run=4).batch(0, 10)
    with pytest.raises(DatasetError, match="windows_per_run must be at least 1, got 0"):
        WindowSampler(data, k, c, seed=7, windows_per_run=0)


def test_split_and_normalization_stats(tmp_path):
    train, val = split_episodes(10, 0.2, seed=0)
    assert len(val) == 2 and len(train) == 8 and not np.intersect1d(train, val).size
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(10))
    np.testing.assert_array_equal(split_episodes(10, 0.2, seed=0)[1], val)
    arrays = synthetic()
    arrays["observations"][..., 1] = 5.0  # a constant dimension
    data = load_dataset(write(tmp_path / "d.h5", arrays))
    stats = normalization_stats(data, episodes=np.array([0, 2]))
    sel = arrays["observations"][[0, 2]].reshape(-1, 3)
    np.testing.assert_allclose(stats["obs_mean"], sel.mean(0), rtol=1e-6)
    np.testing.assert_allclose(stats["obs_std"][[0, 2]], sel.std(0)[[0, 2]], rtol=1e-5)
    assert stats["obs_std"][1] == pytest.approx(1e-3)  # floored, never ~0
    assert all(v.dtype == np.float32 for v in stats.values())
    assert stats["action_mean"].shape == stats["action_std"].shape == (A,)


def test_pixel_stats_per_channel():
    from actjepa.envs.dataset import EpisodeDataset

    obs = np.zeros((2, 3, 4, 4, 3), np.uint8)
    obs[..., 0], obs[..., 1] = 10, np.arange(4, dtype=np.uint8)[None, None, :, None] * 50
    data = EpisodeDataset(
        obs,
        np.zeros((2, 2, 1), np.float32),
        obs[:, 0],
        np.zeros((2, 1)),
        np.zeros((2, 3, 1)),
        np.zeros((2, 3), bool),
        np.arange(2),
    )
    stats = normalization_stats(data)
    np.testing.assert_allclose(stats["obs_mean"], [10, 75, 0])
    np.testing.assert_allclose(stats["obs_std"], [1.0, np.std([0, 50, 100, 150]), 1.0], rtol=1e-6)
