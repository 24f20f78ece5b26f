"""--task-goal-prob reaches the window sampler: training goals become the task's goal observations."""

import numpy as np
import pytest

import actjepa.envs.dataset as envs_dataset
from actjepa.benchmarks.cli.parsing import parse
from actjepa.benchmarks.cli.train import TrainCommand
from actjepa.benchmarks.experiments.training import TrainRequest, TrainSettings, train_on_dataset
from actjepa.envs.collect import collect


def test_the_option_parses_into_the_training_settings(tmp_path):
    command = parse(TrainCommand, ["--data", "d.h5", "--out", "runs/x", "--task-goal-prob", "0.25"], "actjepa train")
    assert command.request.settings.task_goal_prob == 0.25
    assert parse(TrainCommand, ["--data", "d.h5", "--out", "x"], "actjepa train").request.settings.task_goal_prob == 0


@pytest.mark.parametrize("prob", [0.0, 1.0])
def test_training_goals_follow_task_goal_prob(tmp_path, monkeypatch, prob):
    data = tmp_path / "d.h5"
    collect(
        task="point_mass",
        source="expert",
        episodes=4,
        noise=0.1,
        seed=0,
        out=data,
        obs_mode="state",
        batch_size=4,
        force=False,
        progress=False,
    )
    dataset = envs_dataset.load_dataset(data)
    seen = []

    class Recording(envs_dataset.WindowSampler):
        def batch(self, step, batch_size):
            out = super().batch(step, batch_size)
            seen.append(np.asarray(out["goal_obs"]))
            return out

    monkeypatch.setattr(envs_dataset, "WindowSampler", Recording)
    settings = TrainSettings.of_preset("demo").with_changes(
        steps=2, batch_size=16, val_fraction=0.0, task_goal_prob=prob
    )
    train_on_dataset(TrainRequest(data=data, out=tmp_path / "run", settings=settings), progress=False)
    goals = np.concatenate(seen).reshape(-1, 1, dataset.observations.shape[-1])
    is_task_goal = np.isclose(goals, dataset.goal_observations[None]).all(-1).any(-1)
    is_observed = np.isclose(goals, dataset.observations.reshape(1, -1, goals.shape[-1])).all(-1).any(-1)
    assert len(goals) >= 32
    if prob == 1.0:
        assert is_task_goal.all() and not is_observed.any()  # goal states are never visited exactly
    else:
        assert is_observed.all() and not is_task_goal.any()


def test_partial_goals_on_a_task_that_judges_the_whole_observation_are_refused_in_one_line(tmp_path):
    from actjepa.benchmarks.errors import UserError

    data = tmp_path / "d.h5"
    collect(task="point_mass", source="expert", episodes=2, noise=0.1, seed=0, out=data, obs_mode="state",
            batch_size=2, force=False, progress=False)  # fmt: skip
    settings = TrainSettings.of_preset("demo").with_changes(steps=2, batch_size=16, partial_goal_prob=0.5)
    with pytest.raises(UserError, match="point_mass \\(state\\) has none, so pass --partial-goal-prob 0"):
        train_on_dataset(TrainRequest(data=data, out=tmp_path / "run", settings=settings), progress=False)
    assert not (tmp_path / "run").exists()
