import json

import pytest
import torch

import actjepa.benchmarks.perf.planner as bench
import actjepa.benchmarks.perf.planner_scaling as scaling
from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.perf import measure


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
    monkeypatch.setattr(bench, "DEFAULT_BUDGET", (16, 4, 2))
    monkeypatch.setattr(scaling, "SAMPLES", (16, 32))
    monkeypatch.setattr(scaling, "HORIZONS", (2, 4))
    monkeypatch.setattr(scaling, "BATCHES", (1, 2))
    monkeypatch.setattr(bench, "TARGET_MATMUL_RATIO", {1: 0.6, 2: 0.8})
    monkeypatch.setattr(measure, "MATMUL_SECONDS", 0.001)
    out = tmp_path / "bench.json"
    cfg = bench.PlannerBenchConfig(out=out, repeats=1, replan_every=2, large_budget=(48, 8, 2))
    bench.run(cfg)
    data = json.loads(out.read_text())
    rows = data["results"]
    # The default budget first, then each sweep's new settings, then the large budget; the suite plans eagerly.
    settings = [(r["num_samples"], r["horizon"], r["batch"]) for r in rows]
    assert settings == [(16, 4, 1), (32, 4, 1), (16, 2, 1), (16, 4, 2), (48, 8, 1)]
    assert data["large_budget"] == {
        "budget": [48, 8, 2],
        "eager": {"ms_per_plan": rows[4]["plan_ms"]["median"], "ms_per_action": rows[4]["ms_per_action"]["median"]},
    }
    assert data["modes"] == ["eager"] and {r["mode"] for r in rows} == {"eager"} and data["compiled_missing"]
    for row in rows:
        assert row["ms_per_action"]["median"] == pytest.approx(row["plan_ms"]["median"] / 2)
        assert row["flops_per_plan"] > 0 and row["peak_memory_mb"] > 0 and row["compile_s"] == 0
        assert row["ratio_to_matmul"] == pytest.approx(
            row["achieved_flop_per_s"] / row["matmul_flop_per_s_same_shapes"]
        )
        work = row["num_samples"] * row["horizon"] * row["iterations"] * row["batch"]
        assert row["us_per_sample_step"] == pytest.approx(row["plan_ms"]["median"] * 1e3 / work)
    # Twice the episodes, twice the arithmetic.
    assert rows[3]["flops_per_plan"] == pytest.approx(2 * rows[0]["flops_per_plan"], rel=0.05)
    assert data["scaling"]["samples"]["values"] == [16, 32]
    assert data["scaling"]["samples"]["eager"]["plan_ms"] == [
        rows[0]["plan_ms"]["median"],
        rows[1]["plan_ms"]["median"],
    ]
    targets = data["targets"]
    assert targets["mode"] == "eager" and targets["ms_per_plan_b1"] == rows[0]["plan_ms"]["median"]
    assert targets["latency_met"] == (targets["ms_per_plan_b1"] <= 20.0)
    assert targets["matmul_ratio"] == {"1": rows[0]["ratio_to_matmul"], "2": rows[3]["ratio_to_matmul"]}
    assert out.with_suffix(".png").stat().st_size > 0
    pixels = data["pixels"]  # the default pixel model at the default budget, B=1, against the state plan
    assert pixels["model"]["model_config"]["obs_mode"] == "pixels"
    (row,) = pixels["results"]
    assert (row["num_samples"], row["horizon"], row["iterations"], row["batch"]) == (16, 4, 2, 1)
    assert row["flops_per_plan"] > rows[0]["flops_per_plan"]  # it encodes its frames
    ratio = row["plan_ms"]["median"] / rows[0]["plan_ms"]["median"]
    assert pixels["ratio_to_state_plan"] == {"eager": pytest.approx(ratio)} and pixels["met"] == (ratio <= 1.2)
    with pytest.raises(UserError, match="--force"):
        bench.run(cfg)


def test_without_sweeps_only_the_default_and_the_large_budget_are_timed(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "DEFAULT_BUDGET", (16, 4, 2))
    monkeypatch.setattr(measure, "MATMUL_SECONDS", 0.001)
    out = tmp_path / "bench.json"
    cfg = bench.PlannerBenchConfig(out=out, repeats=1, large_budget=(40, 8, 3), sweeps=False, compiled=False)
    payload = bench.run(cfg)
    assert [(r["num_samples"], r["horizon"], r["iterations"], r["batch"]) for r in payload["results"]] == [
        (16, 4, 2, 1),
        (40, 8, 3, 1),
    ]
    assert payload["scaling"]["samples"] == {"axis": "num_samples", "values": list(scaling.SAMPLES)}
    large = payload["large_budget"]["eager"]
    assert large["ms_per_action"] == pytest.approx(large["ms_per_plan"] / cfg.replan_every)
    assert "large budget (40, 8, 3), B=1: " in scaling.summary_line(payload)


@pytest.mark.parametrize(
    ("times", "says"),
    [
        ([1.0, 2.0, 4.0], "linear in N over the whole sweep (log-log slopes 1->2: 1.00, 2->4: 1.00)"),
        ([1.0, 1.1, 1.2], "not linear at the largest N"),
        ([1.0, 1.1, 2.2], "overhead-bound below N=2, linear from there on"),
        ([1.0, 1.1, 4.4], "overhead-bound below N=2, linear from there on; faster than the work at 2->4"),
    ],
)
def test_the_scaling_verdict_says_where_time_grows_with_the_work(times, says):
    assert scaling._verdict([1, 2, 4], times, "N").startswith(says)
