"""The anti-collapse sweep: each variant trains with its own term and weight, and its row reports what training
measured (embedding health, calibration, open-loop error) beside the controllers' success."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actjepa.benchmarks.experiments.protocols import protocol
from actjepa.benchmarks.experiments.regularizer_sweep import VARIANTS, RegularizerVariant, run_regularizer_sweep
from actjepa.benchmarks.reporting.quality import regularizer_section
from actjepa.world_model.training.checkpoint import read_info
from tests.benchmarks.experiments.tiny import tiny_reacher

pytestmark = pytest.mark.slow


def test_variants_cover_no_term_both_terms_and_the_old_unmeetable_target():
    names = [v.name for v in VARIANTS]
    assert len(set(names)) == len(names) and "none" in names
    assert {v.regularizer for v in VARIANTS} == {"vicreg", "sigreg"}
    assert RegularizerVariant("vicreg", 1.0, std_target=1.0) in VARIANTS
    assert protocol("regularizer").eval.split == "validation"  # defaults are chosen on validation episodes
    assert "mppi" in protocol("regularizer").eval.controllers  # the latent cost alone, off the policy's ceiling


def test_each_variant_trains_with_its_own_term_and_reports_its_training(tmp_path: Path):
    data, base, request = tiny_reacher(tmp_path, split="validation", controllers=("policy", "mppi"))
    variants = (RegularizerVariant("vicreg", 0.0), RegularizerVariant("sigreg", 0.5))
    result = run_regularizer_sweep(data, tmp_path / "sweep", base, request, variants, progress=False)

    assert [row["name"] for row in result["rows"]] == ["none", "sigreg 0.5"]
    assert result["split"] == "validation" and result["train_steps"] == 4
    for index, (variant, row) in enumerate(zip(variants, result["rows"], strict=True)):
        info = read_info(tmp_path / "sweep" / f"variant{index}")
        assert info["model_config"]["regularizer"] == variant.regularizer
        assert info["train_config"]["regularizer_weight"] == variant.weight
        assert list(row["controllers"]) == ["policy", "mppi"]  # the protocol's controllers, in its order
        assert row["controllers"]["policy"]["episodes"] == 2
        assert -1.0 <= row["calibration"]["latent_l2_spearman"] <= 1.0
        assert set(row["open_loop"]) == {"8", "16", "32"} and row["eff_rank"] >= 1.0
        last = json.loads((tmp_path / "sweep" / f"variant{index}" / "metrics.jsonl").read_text().splitlines()[-1])
        assert row["final_losses"]["regularizer"] == last["regularizer"]

    text = "\n".join(regularizer_section(result))
    assert "Anti-collapse term on reacher" in text and "(validation split)" in text
    assert text.count("\n| none |") == 1 and "| sigreg 0.5 |" in text
    assert "| `policy` | `mppi` |" in text and "mppi+prior" not in text


def test_the_regularizer_protocol_evaluates_its_own_controllers_and_reports_them(tmp_path: Path, monkeypatch):
    """Through the pipeline, as `reproduce --protocol regularizer` runs it (one variant keeps it short)."""
    from dataclasses import replace

    import actjepa.benchmarks.experiments.regularizer_sweep as sweep_module
    from actjepa.benchmarks.evaluation.config import EvalConfig
    from actjepa.benchmarks.experiments.pipeline import Pipeline
    from actjepa.benchmarks.experiments.training import TrainSettings
    from actjepa.planner import ControllerConfig, PlannerConfig

    control = ControllerConfig(planner=PlannerConfig(num_samples=16, horizon=4, iterations=2), replan_every=3)
    cfg = replace(
        protocol("regularizer", task="point_mass"),
        demonstrations=4,
        train=TrainSettings.of_preset("demo").with_changes(steps=4, batch_size=8, val_fraction=0.25),
        eval=EvalConfig(controllers=("policy", "mppi"), episodes=2, batch_size=2, control=control, split="validation"),
    )
    sweep = sweep_module.run_regularizer_sweep
    one = (RegularizerVariant("vicreg", 0.0),)
    monkeypatch.setattr(sweep_module, "run_regularizer_sweep", lambda *a, **k: sweep(*a, variants=one, **k))
    Pipeline(cfg, tmp_path / "w", tmp_path / "r", progress=False).run()
    result = json.loads((tmp_path / "r" / "regularizer.json").read_text())
    assert set(result["rows"][0]["controllers"]) == {"policy", "mppi"}
    assert result["rows"][0]["controllers"]["mppi"]["episodes"] == 2
    assert "| `mppi` | `policy` |" in (tmp_path / "r" / "index.md").read_text()  # the JSON's (sorted) order
