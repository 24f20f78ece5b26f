"""The goal-entry ranking tells a cost that follows the task's goal entries from one that follows the rest."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from actjepa.benchmarks.ogbench.goal_entries import goal_entry_ranking


class ObservationLatents:
    """A model whose latent is the observation itself (weight w on the entries after the first 2) and whose
    steps-to-go is the latent distance: every cost is a known function of the two distances."""

    context_len = 1

    def __init__(self, rest_weight: float) -> None:
        self.w = torch.tensor([1.0, 1.0] + [rest_weight] * 4)

    def encode(self, obs, actions):
        return obs[:, -1] * self.w

    def encode_goal(self, goal_obs):
        return goal_obs * self.w

    def value(self, z, z_goal):
        return (z - z_goal).norm(dim=-1)


@pytest.fixture
def dataset():
    rng = np.random.default_rng(0)
    obs = rng.normal(size=(12, 31, 6)).astype(np.float32)
    return SimpleNamespace(observations=obs, actions=np.zeros((12, 30, 2), np.float32), episode_steps=30)


def test_composed_goals_make_the_cost_the_goal_entries_distance(dataset):
    out = goal_entry_ranking(ObservationLatents(5.0), dataset, np.arange(12), goal_dims=(0, 1), pairs=300)
    whole, composed = out["latent_l2_whole"], out["latent_l2_composed"]
    assert whole["spearman_other_entries"] > 0.9 > whole["spearman_goal_entries"]  # dominated by the rest
    assert composed["spearman_goal_entries"] == pytest.approx(1.0)  # only the goal entries differ
    assert out["value_composed"] == composed and out["pairs"] == 300 and out["goal_dims"] == [0, 1]


def test_a_cost_blind_to_the_rest_ranks_alike_toward_whole_and_composed_goals(dataset):
    out = goal_entry_ranking(ObservationLatents(0.0), dataset, np.arange(12), goal_dims=(0, 1), pairs=300)
    assert out["latent_l2_whole"]["spearman_goal_entries"] == pytest.approx(1.0)
    assert out["latent_l2_composed"]["spearman_goal_entries"] == pytest.approx(1.0)
