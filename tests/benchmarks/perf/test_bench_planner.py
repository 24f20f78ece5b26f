import json

import pytest
import torch

import benchmarks.perf.planner as bench
from benchmarks.errors import UserError
from benchmarks.perf import measure


def test_matmul_shapes_are_recorded_from_linear_layers():
    layer = torch.nn.Linear(6, 5)
    shapes = measure.MatmulShapes()
    with torch.inference_mode(), shapes:
        layer(torch.randn(3, 4, 6))
        layer(torch.randn(12, 6))
    assert shapes.shapes == {(12, 6, 5): 2}
    result = measure.matmul_throughput(shapes.shapes, torch.device("cpu"), min_seconds=0.001)
    assert result["flops"] == 2 * 2 * 12 * 6 * 5 and result["flop_per_s"] > 0


def test_bench_writes_json_with_consistent_numbers_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "BUDGETS", ((16, 4, 2),))
    monkeypatch.setattr(bench, "BATCH_SIZES", (1, 2))
    monkeypatch.setattr(bench, "DEFAULT_BUDGET", (16, 4, 2))
    monkeypatch.setattr(measure, "MATMUL_SECONDS", 0.001)
    out = tmp_path / "bench.json"
    cfg = bench.PlannerBenchConfig(out=out, repeats=1, replan_every=2)
    bench.run(cfg)
    data = json.loads(out.read_text())
    rows = data["results"]
    assert [(r["batch"], r["num_samples"]) for r in rows] == [(1, 16), (2, 16)]
    for row in rows:
        assert row["ms_per_action"]["median"] == pytest.approx(row["plan_ms"]["median"] / 2)
        assert row["flops_per_plan"] > 0 and row["peak_memory_mb"] > 0
        assert row["ratio_to_matmul"] == pytest.approx(
            row["achieved_flop_per_s"] / row["matmul_flop_per_s_same_shapes"]
        )
    # Twice the episodes, twice the arithmetic.
    assert rows[1]["flops_per_plan"] == pytest.approx(2 * rows[0]["flops_per_plan"], rel=0.05)
    with pytest.raises(UserError, match="--force"):
        bench.run(cfg)
