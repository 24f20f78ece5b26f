"""Planning requests that cannot fit in memory, and bad seeds, are refused with one line before any work."""

import pytest
import torch

from actjepa.planner import ControllerConfig, PlannerConfig, PlannerError, make_controller
from actjepa.planner.limits import (
    available_memory_bytes,
    check_planning_memory,
    format_bytes,
    planning_memory_bytes,
)
from actjepa.planner.noise import check_seeds
from tests.planner.models import LinearModel


def test_estimate_counts_pool_costs_and_one_rollout_chunk():
    """N=512, H=16, B=1, D=64, A=2 under a 32 MiB budget: the rollout runs in a single chunk of 512."""
    pool = 1 * 512 * 16 * 2 * (4 + 4 + 8 + 8)
    costs = 512 * (4 + 4 + 8)
    rollout = 512 * 4 * 1 * 16 * (2 + 8 * 64)
    assert planning_memory_bytes(512, 16, 1, 64, 2, memory_budget_mb=32) == pool + costs + rollout


def test_rollout_part_is_capped_by_the_budget():
    """Past the budget the sample axis is chunked, so only the pool and costs keep growing with N."""
    small, large = (planning_memory_bytes(n, 16, 8, 64, 2, memory_budget_mb=4) for n in (100_000, 200_000))
    per_sample = 8 * 16 * 2 * 24 + 8 * 16
    assert large - small == 100_000 * per_sample


def test_absurd_num_samples_is_refused_with_the_flags_to_lower():
    cfg = PlannerConfig(num_samples=10**9, num_elites=64)
    with pytest.raises(PlannerError) as info:
        check_planning_memory(cfg, batch=16, latent_dim=64, action_dim=2)
    text = str(info.value)
    assert "\n" not in text and "--num-samples" in text and "--batch-size" in text
    assert text.startswith("planning 16 episodes x 1000000000 samples x 16 steps needs about ")


def test_fitting_request_passes_and_returns_the_estimate():
    cfg = PlannerConfig()
    need = check_planning_memory(cfg, batch=4, latent_dim=64, action_dim=2, available=2**30)
    assert need == planning_memory_bytes(512, 16, 4, 64, 2, memory_budget_mb=32)
    with pytest.raises(PlannerError, match="only 10.0 MiB is free on cpu"):
        check_planning_memory(cfg, batch=4, latent_dim=64, action_dim=2, available=10 * 2**20)


def test_available_memory_is_read_from_the_system():
    free = available_memory_bytes("cpu")
    with open("/proc/meminfo") as handle:
        total = int(next(line for line in handle if line.startswith("MemTotal:")).split()[1]) * 1024
    assert 0 < free <= total


@pytest.mark.parametrize("count,text", [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (3 * 2**30, "3.0 GiB")])
def test_format_bytes(count, text):
    assert format_bytes(count) == text


@pytest.mark.parametrize(
    "seeds,message",
    [
        ([0, -1], "seeds must be >= 0, got -1"),
        ([2**64], "whole numbers in \\[0, 2\\*\\*63\\)"),
        (torch.tensor([0.5]), "got a torch.float32 tensor"),
    ],
)
def test_bad_seeds(seeds, message):
    with pytest.raises(PlannerError, match=message):
        check_seeds(seeds)


def test_negative_seeds_reach_the_controller_as_one_line_errors():
    with pytest.raises(PlannerError, match="seed must be a whole number in \\[0, 2\\*\\*62\\), got -3"):
        ControllerConfig(seed=-3)
    small = PlannerConfig(num_samples=16, horizon=2, iterations=1, num_elites=4, num_prior_trajectories=0)
    controller = make_controller("cem", LinearModel(), ControllerConfig(planner=small, replan_every=1))
    with pytest.raises(PlannerError, match="seeds must be >= 0, got -5"):
        controller.reset(torch.zeros(2, 2), torch.ones(2, 2), seeds=[3, -5])
    controller.reset(torch.zeros(2, 2), torch.ones(2, 2), seeds=[3, 5])
    assert controller.act(torch.zeros(2, 2)).shape == (2, 2)
