"""Acceptance targets as data: which apply to which task, and where met turns into missed."""

from __future__ import annotations

import pytest

from benchmarks.experiments.targets import EFFICIENCY_TARGET, EfficiencyTarget, controller_targets


def entries(**rates: float) -> dict[str, dict]:
    return {name.replace("_prior", "+prior"): {"success_rate": rate} for name, rate in rates.items()}


def test_reacher_targets_in_report_order_with_their_marks():
    decided = controller_targets("reacher", entries(mppi_prior=0.95, oracle=0.99, mppi=0.95, policy=0.5))
    assert decided == [
        ("`mppi+prior` succeeds in at least 95% of held-out episodes (95.0%)", True),
        ("`mppi+prior` within 3 points of `oracle` at the same budget (4.0 points behind)", False),
        ("`mppi+prior` beats `mppi` without prior (95.0% against 95.0%)", False),
    ]


def test_maze_and_push_targets_apply_only_to_their_task():
    maze = dict(controller_targets("maze", entries(mppi_prior=0.9, policy=0.7)))
    assert maze == {
        "maze: planning beats the pure policy by at least 20 points (20.0 points)": True,
        "maze: at least 90% success (90.0%)": True,
    }
    assert dict(controller_targets("maze", entries(mppi_prior=0.89, policy=0.7))) == {
        "maze: planning beats the pure policy by at least 20 points (19.0 points)": False,
        "maze: at least 90% success (89.0%)": False,
    }
    assert controller_targets("push", entries(mppi_prior=0.8)) == [("push: at least 80% success (80.0%)", True)]
    assert controller_targets("point_mass", entries(mppi_prior=0.1, policy=0.0)) == []


def test_targets_need_their_controllers():
    assert controller_targets("reacher", entries(policy=1.0)) == []
    assert controller_targets("reacher", entries(mppi_prior=0.96)) == [
        ("`mppi+prior` succeeds in at least 95% of held-out episodes (96.0%)", True)
    ]


@pytest.mark.parametrize(
    "demos, lead, expected", [(25, 0.05, True), (50, 0.04, False), (10, 0.5, None), (100, -0.2, None)]
)
def test_efficiency_target_applies_at_its_demonstration_counts(demos, lead, expected):
    assert EFFICIENCY_TARGET.decide(demos, lead) is expected


def test_efficiency_target_is_configurable_data():
    assert EfficiencyTarget(demonstrations=(10,), lead=0.1).decide(10, 0.09) is False


def test_pixel_runs_are_held_to_the_pixel_target_not_the_state_ones():
    pixels = dict(controller_targets("reacher", entries(mppi_prior=0.86, oracle=0.99, mppi=0.5), "pixels"))
    assert pixels == {
        "reacher from 64x64 pixels: at least 85% success (86.0%)": True,
        "`mppi+prior` beats `mppi` without prior (86.0% against 50.0%)": True,
    }
    missed = dict(controller_targets("reacher", entries(mppi_prior=0.84), "pixels"))
    assert missed == {"reacher from 64x64 pixels: at least 85% success (84.0%)": False}
