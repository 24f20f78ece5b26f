"""A rerun of a variant experiment evaluates only what no earlier run evaluated under the same settings."""

from __future__ import annotations

import json
from dataclasses import replace

import actjepa.benchmarks.experiments.kept_evaluations as kept
from actjepa.benchmarks.evaluation.config import EvalConfig


def test_evaluations_are_kept_per_controller_and_redone_when_anything_they_depend_on_changes(tmp_path, monkeypatch):
    calls = []

    def fake_evaluate(model, info, cfg, progress=True):
        calls.append(cfg.controllers)
        return {"controllers": {name: {"success_rate": len(calls)} for name in cfg.controllers}}

    monkeypatch.setattr(kept, "evaluate", fake_evaluate)
    base = EvalConfig(controllers=("policy", "mppi"), episodes=2)
    first = kept.evaluate_kept(None, {}, base, tmp_path, "model a", progress=False)
    assert calls == [("policy",), ("mppi",)]
    assert first == {"policy": {"success_rate": 1}, "mppi": {"success_rate": 2}}

    more = replace(base, controllers=("policy", "mppi", "mppi+prior"))
    again = kept.evaluate_kept(None, {}, more, tmp_path, "model a", progress=False)
    assert again == {**first, "mppi+prior": {"success_rate": 3}} and list(again) == list(more.controllers)
    assert calls[2:] == [("mppi+prior",)]  # only the added controller ran

    kept.evaluate_kept(None, {}, base, tmp_path, "model b", progress=False)  # another model: evaluated anew
    kept.evaluate_kept(None, {}, replace(base, episodes=3), tmp_path, "model a", progress=False)  # other settings
    assert calls[3:] == [("policy",), ("mppi",), ("policy",), ("mppi",)]


def test_an_ablation_rerun_trains_and_evaluates_nothing_again(tmp_path, monkeypatch):
    import actjepa.benchmarks.experiments.ablation as ablation
    from tests.benchmarks.experiments.tiny import tiny_reacher

    rows = (
        ablation.AblationRow("a", "first", planner={"prior_penalty": 0.0}),
        ablation.AblationRow("b", "same model, another planner", planner={"prior_penalty": 1.0}),
    )
    monkeypatch.setattr(ablation, "ROWS", rows)
    data, base, request = tiny_reacher(tmp_path)
    first = ablation.run_ablation(data, tmp_path / "ablation", base, request, progress=False)
    assert sorted(p.name for p in (tmp_path / "ablation").iterdir()) == ["row0"]  # one model for both rows
    assert len(list((tmp_path / "ablation" / "row0" / "evaluations").iterdir())) == 4  # 2 rows x 2 controllers

    monkeypatch.setattr(kept, "evaluate", lambda *a, **k: (_ for _ in ()).throw(AssertionError("evaluated again")))
    again = ablation.run_ablation(data, tmp_path / "ablation", base, request, progress=False)
    assert json.dumps(again, sort_keys=True) == json.dumps(first, sort_keys=True)  # as the JSON file holds it
