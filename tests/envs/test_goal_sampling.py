"""Training goals: hindsight observations, the task's goal observations, or a mix."""

import numpy as np

from actjepa.envs.dataset import EpisodeDataset, WindowSampler

E, T = 6, 20


def coded_dataset():
    """Observation value e*1000 + t tells episode and time; goal observations are -(e+1)."""
    e, t = np.meshgrid(np.arange(E), np.arange(T + 1), indexing="ij")
    obs = (e * 1000 + t).astype(np.float32)[..., None]
    return EpisodeDataset(
        observations=obs,
        actions=np.zeros((E, T, 1), np.float32),
        goal_observations=-(np.arange(E, dtype=np.float32) + 1)[:, None],
        desired_goals=np.zeros((E, 1), np.float32),
        achieved_goals=np.zeros((E, T + 1, 1), np.float32),
        successes=np.zeros((E, T + 1), bool),
        episode_seeds=np.arange(E),
    )


def _split(batch):
    """(episode, last context time) of each window and its goal value."""
    first = batch["obs"][:, 0, 0]
    return (first // 1000).astype(int), batch["goal_obs"][:, 0]


def test_default_batches_are_unchanged_by_the_option():
    data = coded_dataset()
    plain = WindowSampler(data, 2, 3, seed=5).batch(4, 256)
    mixed0 = WindowSampler(data, 2, 3, seed=5, task_goal_prob=0.0).batch(4, 256)
    for key in plain:
        np.testing.assert_array_equal(plain[key], mixed0[key])


def test_task_goals_only():
    ep, goal = _split(WindowSampler(coded_dataset(), 2, 3, seed=1, task_goal_prob=1.0).batch(0, 512))
    np.testing.assert_array_equal(goal, -(ep + 1))


def test_mixed_goals_are_task_or_hindsight_in_proportion():
    data = coded_dataset()
    batch = WindowSampler(data, 2, 3, seed=2, final_goal_prob=0.5, task_goal_prob=0.25).batch(1, 4000)
    ep, goal = _split(batch)
    task = goal < 0
    np.testing.assert_array_equal(goal[task], -(ep[task] + 1))
    assert abs(task.mean() - 0.25) < 0.03
    context_end = batch["obs"][:, 1, 0] % 1000  # k=2: index 1 is the last context observation
    hindsight_t = goal[~task] % 1000
    assert np.all(goal[~task] // 1000 == ep[~task]) and np.all(hindsight_t > context_end[~task])
    assert abs((hindsight_t == T).mean() - (0.5 + 0.5 * np.mean(1 / (T - context_end[~task])))) < 0.04


def _two_entry_dataset():
    """Entry 0 codes episode and time as coded_dataset does; entry 1 is its negative."""
    data = coded_dataset()
    obs = np.concatenate([data.observations, -data.observations], axis=-1)
    return EpisodeDataset(**{**data.__dict__, "observations": obs, "goal_observations": -np.ones((E, 2), np.float32)})


def test_partial_goals_are_the_current_state_with_the_hindsight_goals_entries():
    data = _two_entry_dataset()
    plain = WindowSampler(data, 2, 3, seed=3).batch(7, 512)
    half = WindowSampler(data, 2, 3, seed=3, partial_goal_prob=0.5, goal_dims=(1,)).batch(7, 512)
    np.testing.assert_array_equal(half["obs"], plain["obs"])
    np.testing.assert_array_equal(half["goal_steps"], plain["goal_steps"])
    np.testing.assert_array_equal(half["goal_obs"][:, 1], plain["goal_obs"][:, 1])  # the judged entry: the goal's
    current = plain["obs"][:, 1, 0]  # the last of k=2 context observations
    composed = half["goal_obs"][:, 0] == current
    assert np.all(composed | (half["goal_obs"][:, 0] == plain["goal_obs"][:, 0]))  # else the whole hindsight goal
    assert 0.4 < composed.mean() < 0.6 and np.all(plain["goal_obs"][:, 0] > current)  # goals lie ahead in time


def test_partial_goals_need_entries_that_observations_have():
    import pytest

    from actjepa.envs.errors import DatasetError

    data = _two_entry_dataset()
    with pytest.raises(DatasetError, match="need the observation entries a goal constrains"):
        WindowSampler(data, 2, 3, seed=0, partial_goal_prob=0.5)
    with pytest.raises(DatasetError, match=r"goal entries \[2\] are not entries of observations of shape \(2,\)"):
        WindowSampler(data, 2, 3, seed=0, partial_goal_prob=0.5, goal_dims=(2,))
    with pytest.raises(DatasetError, match="partial_goal_prob must be a probability"):
        WindowSampler(data, 2, 3, seed=0, partial_goal_prob=1.5, goal_dims=(1,))
