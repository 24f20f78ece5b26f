"""The anti-collapse sweep: each variant trains with its own term and weight, and its row reports what training
measured (embedding health, calibration, open-loop error) beside the controllers' success."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.experiments.protocols import protocol
from benchmarks.experiments.regularizer_sweep import VARIANTS, RegularizerVariant, run_regularizer_sweep
from benchmarks.reporting.quality import regularizer_section
from tests.benchmarks.experiments.tiny import tiny_reacher
from world_model.checkpoint import read_info

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
