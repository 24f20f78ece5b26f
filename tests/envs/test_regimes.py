"""Each dataset regime builds the data it claims, and a perturbation hits every controller alike."""

from __future__ import annotations

import json

import numpy as np
import pytest

from actjepa import envs
from actjepa.benchmarks.evaluation.episodes import run_episodes
from actjepa.envs.dataset import load_dataset
from actjepa.envs.perturbation import Perturbation, PerturbedEpisodes
from actjepa.envs.regimes import DataRegime, collect_regime
from actjepa.envs.regions import GoalRegion, seeds_inside


def _collect(tmp_path, name: str, task: str = "reacher", **fields):
    return load_dataset(collect_regime(task, DataRegime(**fields), 0, tmp_path / f"{name}.h5"))


def test_noisy_expert_records_its_noise_and_its_actions_stray_by_it(tmp_path):
    clean = _collect(tmp_path, "clean", episodes=40, noise=0.0)
    spreads = {}
    for noise in (0.3, 0.6):
        noisy = _collect(tmp_path, f"n{noise}", episodes=40, noise=noise)
        assert noisy.meta["noise"] == noise and noisy.meta["source"] == "expert"
        assert np.array_equal(noisy.episode_seeds, clean.episode_seeds)  # same starts: step 0 differs by noise only
        spreads[noise] = float(np.std(noisy.actions[:, 0] - clean.actions[:, 0]))
    assert 0.15 < spreads[0.3] < 0.31 and spreads[0.6] > 1.5 * spreads[0.3]


def test_play_only_has_no_expert_source_and_mix_records_both(tmp_path):
    play = _collect(tmp_path, "play", episodes=10, play_fraction=1.0)
    assert play.meta["source"] == "play" and "sources" not in play.meta
    mix = _collect(tmp_path, "mix", episodes=20, play_fraction=0.9)
    sources = json.loads(mix.meta["sources"])
    assert mix.meta["source"] == "mix" and len(mix.actions) == 20
    assert [(s["source"], s["episodes"]) for s in sources] == [("expert", 2), ("play", 18)]


@pytest.mark.parametrize("task", ["reacher", "maze"])
def test_goal_shift_data_never_holds_a_goal_of_the_held_out_region(tmp_path, task):
    region = GoalRegion(30.0, 120.0)
    data = _collect(tmp_path, task, task=task, episodes=30, exclude_region=region)
    assert not region.contains(data.desired_goals).any()
    assert json.loads(data.meta["excluded_goal_region"])["start_deg"] == 30.0
    held_out = seeds_inside(task, region, 8)
    with envs.make(task, num_envs=8) as env:
        assert region.contains(env.reset(held_out)["desired_goal"]).all()


class _Recorder:
    """A constant-action controller; the kicks its episodes get are recorded by the env spy."""

    def __init__(self, value: float) -> None:
        self.value = value

    def reset(self, obs, goal, seeds=None) -> None:
        self.batch = obs.shape[0]

    def act(self, obs):
        return np.full((self.batch, 2), self.value)


def test_a_kick_hits_every_controller_at_the_same_step_with_the_same_push():
    seeds = np.array([5, 6, 7])
    perturbation = Perturbation("kick", 2.0, seed=3)
    kicks = []
    for value in (-0.5, 0.0, 0.5):
        with envs.make("reacher", num_envs=3) as env:
            calls = []
            original = env.perturb

            def spy(change, calls=calls, env=env, original=original):
                before = env.qvel.copy()
                original(change)
                calls.append((env.elapsed_steps, change.copy(), env.qvel - before))

            env.perturb = spy
            run_episodes(env, _Recorder(value), seeds, perturbation=perturbation)
            kicks.append(calls)
    steps = [[c[0] for c in calls] for calls in kicks]
    assert steps[0] == steps[1] == steps[2] and len(steps[0]) >= 1
    for calls in kicks[1:]:
        for (_, change, applied), (_, first, _) in zip(calls, kicks[0], strict=True):
            assert np.array_equal(change, first) and np.allclose(applied, change)
    assert sum(int(np.any(c[1] != 0, axis=1).sum()) for c in kicks[0]) == 3  # one kick per episode


def test_actuator_noise_of_an_episode_does_not_depend_on_its_batch():
    perturbation = Perturbation("actuator", 0.3, seed=1)
    together = perturbation.action_noise(np.array([5, 6, 7]), 10, 2)
    alone = perturbation.action_noise(np.array([6]), 10, 2)
    assert np.array_equal(together[1], alone[0]) and not np.array_equal(together[0], together[1])
    with envs.make("reacher", num_envs=1) as env:
        applied = PerturbedEpisodes(perturbation, env, np.array([6]))
        half = (env.action_high - env.action_low) / 2
        sent = applied.before_step(4, np.zeros((1, 2)))
    assert np.allclose(sent, 0.3 * half * alone[0, 4])
