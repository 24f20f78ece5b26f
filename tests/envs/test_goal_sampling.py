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
