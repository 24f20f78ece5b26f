"""The data-efficiency experiment on a tiny budget: nested subsets, every curve, pooled intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.experiments.data_efficiency import CURVES, run_data_efficiency, subset
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
