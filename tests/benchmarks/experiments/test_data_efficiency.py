"""The data-efficiency experiment on a tiny budget: nested subsets, every curve, pooled intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actjepa.benchmarks.experiments import data_efficiency
from actjepa.benchmarks.experiments.data_efficiency import CURVES, record_once, run_data_efficiency, subset
from tests.benchmarks.experiments.tiny import tiny_reacher

pytestmark = pytest.mark.slow


def test_subsets_are_nested_per_seed_and_differ_across_seeds():
    small, large = subset(50, 10, seed=3), subset(50, 25, seed=3)
    assert set(small) <= set(large) and len(set(large)) == 25
    assert not np.array_equal(subset(50, 10, seed=3), subset(50, 10, seed=4))


def test_run_data_efficiency_pools_seeds_per_curve(tmp_path: Path):
    data, base, request = tiny_reacher(tmp_path)
    result = run_data_efficiency(data, tmp_path / "runs", (4, 6), (0, 1), base, request, progress=False)
    assert set(result["curves"]) == set(CURVES)
    for points in result["curves"].values():
        assert [p["demonstrations"] for p in points] == [4, 6]
        for p in points:
            assert p["episodes"] == 4  # 2 episodes x 2 seeds, pooled
            assert len(p["seed_success_rates"]) == 2
            assert p["success_rate"] == pytest.approx(np.mean(p["seed_success_rates"]))
    assert (tmp_path / "runs" / "bc-n6-s1" / "checkpoint.json").exists()
    assert result["train_preset"] == request.settings.preset and result["split"] == base.split

    # A rerun in the same folder (an interrupted or split run) trains and evaluates nothing again.
    def refuse(*args, **kwargs):
        raise AssertionError("rerun trained or evaluated again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(data_efficiency, "evaluate_controller", refuse)
        patch.setattr("actjepa.benchmarks.experiments.training.train_on_dataset", refuse)
        again = run_data_efficiency(data, tmp_path / "runs", (4, 6), (0, 1), base, request, progress=False)
    assert again["curves"] == result["curves"]


def test_record_once_keeps_one_record_per_key(tmp_path: Path):
    calls = []

    def evaluate(success: bool):
        calls.append(success)
        return data_efficiency.EpisodeRecord(
            seeds=np.array([7, 8]),
            success=np.array([success, True]),
            ever_success=np.array([True, True]),
            final_distance=np.array([0.5, 0.25]),
            steps_to_success=np.array([-1 if not success else 3, 4]),
            ms_per_action=[1.5, 2.5],
        )

    first = record_once(tmp_path, "key a", lambda: evaluate(False))
    kept = record_once(tmp_path, "key a", lambda: evaluate(True))
    other = record_once(tmp_path, "key b", lambda: evaluate(True))
    assert calls == [False, True]
    assert kept.success.tolist() == first.success.tolist() == [False, True]
    assert kept.final_distance.tolist() == [0.5, 0.25] and kept.ms_per_action == [1.5, 2.5]
    assert other.success.tolist() == [True, True]
