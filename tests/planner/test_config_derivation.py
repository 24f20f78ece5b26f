"""The planner derives elites and prior trajectories from N, and reads controller names in one place."""

import pytest

from actjepa.planner import CONTROLLER_NAMES, PlannerConfig, PlannerError, parse_controller_name


@pytest.mark.parametrize("num, elites, prior", [(512, 64, 24), (256, 32, 24), (64, 8, 8), (16, 2, 2), (4, 1, 0)])
def test_elites_and_prior_trajectories_follow_the_sample_count(num, elites, prior):
    cfg = PlannerConfig(num_samples=num)
    assert (cfg.num_elites, cfg.num_prior_trajectories) == (elites, prior)


def test_explicit_values_are_kept_and_still_checked():
    assert PlannerConfig(num_samples=64, num_elites=10, num_prior_trajectories=3).num_elites == 10
    with pytest.raises(PlannerError, match="num_elites"):
        PlannerConfig(num_samples=8, num_elites=16)


def test_controller_names_parse_to_method_and_prior():
    parsed = {name: parse_controller_name(name) for name in CONTROLLER_NAMES}
    assert parsed == {
        "policy": (None, False),
        "cem": ("cem", False),
        "mppi": ("mppi", False),
        "cem+prior": ("cem", True),
        "mppi+prior": ("mppi", True),
        "oracle": ("mppi", False),
        "oracle+cost": ("mppi", False),
    }
    with pytest.raises(PlannerError, match="unknown controller"):
        parse_controller_name("ppo+prior")
