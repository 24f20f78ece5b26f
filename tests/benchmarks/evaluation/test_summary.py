"""Scoring arithmetic of the evaluation harness."""

import numpy as np
import pytest

from actjepa.benchmarks.evaluation.episodes import EpisodeRecord
from actjepa.benchmarks.evaluation.summary import per_action_ms, summarize


def test_per_action_time_spreads_each_plan_over_the_actions_it_produced():
    # One expensive plan then three replays, twice: 40 ms and 20 ms per action.
    timings = [157.0, 1.0, 1.0, 1.0, 77.0, 1.0, 1.0, 1.0]
    assert per_action_ms(timings, 4).tolist() == [40.0, 20.0]
    assert per_action_ms(timings, 1).tolist() == timings


def test_summary_counts_success_distance_and_steps():
    record = EpisodeRecord(
        seeds=np.arange(4),
        success=np.array([True, True, False, False]),
        ever_success=np.array([True, True, True, False]),
        final_distance=np.array([0.01, 0.02, 0.2, 0.4]),
        steps_to_success=np.array([10, 30, 50, -1]),
        ms_per_action=[8.0, 2.0, 8.0, 2.0],
    )
    entry = summarize(record, batch_size=4, replan_every=2)
    assert entry["successes"] == 2 and entry["success_rate"] == 0.5
    assert entry["ever_success_rate"] == 0.75
    assert entry["mean_final_distance"] == pytest.approx(0.1575)
    assert entry["mean_steps_to_success"] == pytest.approx(30.0)  # over episodes that reached the goal
    assert entry["median_ms_per_action"] == 5.0
    lo, hi = entry["success_ci95"]
    assert lo < 0.5 < hi
