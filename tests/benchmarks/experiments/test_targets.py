"""Acceptance targets as data: which apply to which task, and where met turns into missed."""

from __future__ import annotations

import pytest

from actjepa.benchmarks.experiments.targets import (
    EFFICIENCY_TARGET,
    HORIZON_TARGET,
    TRAINING_STEPS_TARGET,
    EfficiencyTarget,
    controller_targets,
)


def entries(**rates: float) -> dict[str, dict]:
    return {name.replace("_prior", "+prior"): {"success_rate": rate} for name, rate in rates.items()}


def test_reacher_targets_in_report_order_with_their_marks():
    decided = controller_targets("reacher", entries(mppi_prior=0.98, oracle=1.0, mppi=0.98, policy=0.5))
    assert decided == [
        ("`mppi+prior` succeeds in at least 98% of held-out episodes (98.0%)", True),
        ("`mppi+prior` within 3 points of `oracle` at the same budget (2.0 points behind)", True),
        ("`mppi+prior` beats `mppi` without prior (98.0% against 98.0%)", False),
    ]


def test_maze_and_push_targets_apply_only_to_their_task():
    maze = dict(controller_targets("maze", entries(mppi_prior=0.95, policy=0.7)))
    assert maze == {
        "maze: planning beats the pure policy by at least 20 points (25.0 points)": True,
        "maze: at least 95% success (95.0%)": True,
    }
    assert dict(controller_targets("maze", entries(mppi_prior=0.94, policy=0.75))) == {
        "maze: planning beats the pure policy by at least 20 points (19.0 points)": False,
        "maze: at least 95% success (94.0%)": False,
    }
    assert controller_targets("push", entries(mppi_prior=0.8)) == [("push: at least 80% success (80.0%)", True)]
    assert controller_targets("point_mass", entries(mppi_prior=0.1, policy=0.0)) == []


def test_targets_need_their_controllers():
    assert controller_targets("reacher", entries(policy=1.0)) == []
    assert controller_targets("reacher", entries(mppi_prior=0.97)) == [
        ("`mppi+prior` succeeds in at least 98% of held-out episodes (97.0%)", False)
    ]


@pytest.mark.parametrize(
    "demos, lead, expected", [(25, 0.05, True), (50, 0.04, False), (10, 0.5, None), (100, -0.2, None)]
)
def test_efficiency_target_applies_at_its_demonstration_counts(demos, lead, expected):
    assert EFFICIENCY_TARGET.decide(demos, lead) is expected


def test_efficiency_target_is_configurable_data():
    assert EfficiencyTarget(demonstrations=(10,), lead=0.1).decide(10, 0.09) is False


def test_pixel_runs_are_held_to_the_pixel_target_not_the_state_ones():
    pixels = dict(controller_targets("reacher", entries(mppi_prior=0.93, oracle=0.99, mppi=0.5), "pixels"))
    assert pixels == {
        "reacher from 64x64 pixels: at least 92% success (93.0%)": True,
        "`mppi+prior` beats `mppi` without prior (93.0% against 50.0%)": True,
    }
    missed = dict(controller_targets("reacher", entries(mppi_prior=0.91), "pixels"))
    assert missed == {"reacher from 64x64 pixels: at least 92% success (91.0%)": False}
    push = dict(controller_targets("push", entries(mppi_prior=0.79), "pixels"))
    assert push == {"push from 64x64 pixels: at least 80% success (79.0%)": False}


def sweep(*points: tuple[int, float, float]) -> list[dict]:
    """Horizon-sweep points from (horizon, success, upper end of its interval)."""
    return [{"horizon": h, "success_rate": r, "success_ci95": [0.0, hi]} for h, r, hi in points]


def test_horizon_target_needs_the_rate_at_the_longest_horizon_and_no_drop_past_its_interval():
    steady = HORIZON_TARGET.decide("reacher", sweep((4, 0.2, 0.5), (8, 0.9, 1.0), (16, 0.8, 0.95), (32, 0.96, 1.0)))
    assert steady == [
        ("`mppi+prior` succeeds in at least 95% at H=32 (96.0%)", True),
        ("`mppi+prior` success does not fall from H=8 to H=32 within the intervals", True),
    ]
    falls = HORIZON_TARGET.decide("reacher", sweep((8, 1.0, 1.0), (16, 0.9, 0.99), (32, 0.94, 1.0)))
    assert falls == [
        ("`mppi+prior` succeeds in at least 95% at H=32 (94.0%)", False),
        ("`mppi+prior` success does not fall from H=8 to H=32 within the intervals (falls at H=16)", False),
    ]
    assert HORIZON_TARGET.decide("maze", sweep((8, 1.0, 1.0), (32, 0.1, 0.2))) == []
    assert HORIZON_TARGET.decide("reacher", sweep((4, 1.0, 1.0), (8, 0.1, 0.2))) == []


def test_training_steps_target_compares_the_longer_model_with_the_shorter_one():
    def points(short: float, long: float) -> list[dict]:
        rates = {400: 0.5, 800: short, 3000: long}
        return [{"steps": s, "controllers": {"mppi+prior": {"success_rate": r}}} for s, r in rates.items()]

    assert TRAINING_STEPS_TARGET.decide(points(0.94, 0.94)) == (
        "the 3000-step model plans at least as well as the 800-step one (`mppi+prior` 94.0% against 94.0%)",
        True,
    )
    assert TRAINING_STEPS_TARGET.decide(points(0.94, 0.78))[1] is False
    assert TRAINING_STEPS_TARGET.decide(points(0.94, 0.78)[:2]) is None
