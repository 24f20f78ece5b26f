"""A whole protocol on a tiny budget: every stage writes its JSON, the report reads them, a rerun skips them."""

from __future__ import annotations

import json

import pytest

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.pipeline import Pipeline
from actjepa.benchmarks.experiments.protocols import ProtocolConfig
from actjepa.benchmarks.experiments.training import TrainSettings
from actjepa.planner import ControllerConfig, PlannerConfig

pytestmark = pytest.mark.slow


def tiny_protocol() -> ProtocolConfig:
    control = ControllerConfig(planner=PlannerConfig(num_samples=16, horizon=4, iterations=2), replan_every=3)
    return ProtocolConfig(
        task="point_mass",
        demonstrations=8,
        train=TrainSettings.of_preset("demo").with_changes(steps=4, batch_size=8, val_fraction=0.25),
        eval=EvalConfig(controllers=("policy", "mppi"), episodes=2, batch_size=2, control=control),
        horizons=(2, 4),
        horizon_planners=("mppi",),
        sweep_episodes=2,
        budgets=(8,),
        data_efficiency_demos=(4,),
        data_efficiency_seeds=(0,),
    )


def test_pipeline_writes_every_result_and_continues_where_it_stopped(tmp_path):
    work, report = tmp_path / "work", tmp_path / "report"
    page = Pipeline(tiny_protocol(), work, report, progress=False).run()
    for name in ("results", "horizon", "budget", "data_efficiency", "open_loop", "protocol"):
        assert (report / f"{name}.json").is_file(), name
    results = json.loads((report / "results.json").read_text())
    assert set(results["controllers"]) == {"policy", "mppi", "bc:policy", "bc:mppi+prior"}
    assert results["settings"]["replan_every"] == 3 and results["settings"]["num_samples"] == 16
    horizon = json.loads((report / "horizon.json").read_text())
    assert [e["replan_every"] for e in horizon["planners"]["mppi"]] == [2, 3]  # clamped to H = 2
    text = page.read_text()
    assert "replanning every min(3, H) steps" in text and "### Controllers on point_mass" in text
    protocol = json.loads((report / "protocol.json").read_text())
    assert protocol["protocol"]["eval"]["control"]["replan_every"] == 3 and protocol["stage_seconds"]
    for name in ("results", "horizon", "budget", "data_efficiency", "open_loop", "protocol"):
        recorded = json.loads((report / f"{name}.json").read_text())
        assert recorded["machine"]["cores"] and "commit" in recorded["code"], name
    again = Pipeline(tiny_protocol(), work, report, progress=False)
    again.run()
    assert again.timings == {}  # every stage found its output and was skipped
    rerun = json.loads((report / "protocol.json").read_text())
    assert rerun["stage_seconds"] == {}
    assert rerun["work_seconds"] == pytest.approx(protocol["stage_seconds"])  # the work of the first invocation
    pieces = rerun["piece_seconds"]  # the data-efficiency models and evaluations, timed by themselves
    assert set(pieces) == {"train", "evaluate"} and 0 < pieces["train"] + pieces["evaluate"]
    assert pieces["train"] + pieces["evaluate"] <= protocol["stage_seconds"]["data efficiency"]
