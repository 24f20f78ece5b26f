"""The regimes protocol: bad input stops it before anything is written; a tiny run writes the promised JSON."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.pipeline import Pipeline
from actjepa.benchmarks.experiments.protocols import PROTOCOLS, ProtocolConfig
from actjepa.benchmarks.experiments.regimes import REGIMES, ROW_KEYS, Regime, check_regimes
from actjepa.benchmarks.experiments.training import TrainSettings
from actjepa.envs.regimes import DataRegime
from actjepa.envs.regions import GoalRegion
from actjepa.envs.seeds import EVALUATION_SEED_BASE
from actjepa.planner import ControllerConfig, PlannerConfig


def tiny_regimes(**fields) -> ProtocolConfig:
    control = ControllerConfig(planner=PlannerConfig(num_samples=16, horizon=4, iterations=2), replan_every=3)
    return ProtocolConfig(
        task="point_mass",
        demonstrations=2,
        train=TrainSettings.of_preset("demo").with_changes(steps=4, batch_size=8, val_fraction=0.25),
        eval=EvalConfig(controllers=("policy", "mppi", "oracle"), episodes=2, batch_size=2, control=control),
        seeds=(0, 1),
        horizons=(),
        compare=False,
        regimes=("expert-10", "kick"),
        **fields,
    )


@pytest.mark.parametrize("fields", [{"regimes": ("expert", "sunny")}, {"seeds": (0, EVALUATION_SEED_BASE)}])
def test_bad_regimes_input_writes_nothing(tmp_path, fields):
    """The pipeline itself refuses before any stage (the messages: tests/benchmarks/cli/test_bad_input.py)."""
    work, report = tmp_path / "work", tmp_path / "report"
    with pytest.raises(UserError):
        Pipeline(replace(tiny_regimes(), **fields), work, report, progress=False).run()
    assert not work.exists() and not report.exists()


@pytest.mark.parametrize(
    ("regime", "message"),
    [
        (Regime(DataRegime(episodes=0)), "at least 1 episode"),
        (Regime(goal_region=GoalRegion(5.0, 5.0)), "leaves no goals"),
    ],
)
def test_empty_regimes_are_refused(regime, message):
    with pytest.raises(UserError, match=message):
        check_regimes("reacher", ("r",), (0,), {"r": regime})


def test_the_protocol_names_only_known_regimes_and_runs_every_controller_class():
    cfg = PROTOCOLS["regimes"]
    assert set(cfg.regimes) <= set(REGIMES) and cfg.seeds == (0, 1, 2) and not cfg.compare
    assert set(cfg.eval.controllers) == {"policy", "mppi", "mppi+prior", "oracle"} and cfg.eval.episodes == 50


@pytest.mark.slow
def test_tiny_regimes_run_writes_the_schema(tmp_path):
    work, report = tmp_path / "work", tmp_path / "report"
    page = Pipeline(tiny_regimes(), work, report, progress=False).run()
    result = json.loads((report / "regimes" / "point_mass.json").read_text())
    assert set(result) == {"task", "rows", "machine", "code"} and result["task"] == "point_mass"
    assert [(r["regime"], r["controller"]) for r in result["rows"]] == [
        (regime, controller) for regime in ("expert-10", "kick") for controller in ("policy", "mppi", "oracle")
    ]
    for row in result["rows"]:
        assert tuple(sorted(row)) == tuple(sorted(ROW_KEYS))
        assert row["seeds"] == (1 if row["controller"] == "oracle" else 2) == len(row["per_seed"])
        assert row["episodes"] == 2 * row["seeds"]
        lo, hi = row["success_ci95"]
        assert 0.0 <= lo <= row["success_rate"] <= hi <= 1.0
        assert row["success_rate"] == pytest.approx(sum(row["per_seed"]) / row["seeds"])
    assert len(list((work / "regimes" / "expert-10").glob("jepa-s*"))) == 2
    assert len(list((work / "regimes" / "oracle").iterdir())) == 2  # kick's pushes change the oracle's episodes
    assert not (work / "data.h5").exists()  # each regime collects its own data, nothing else is collected
    assert (report / "regimes" / "point_mass.png").stat().st_size > 0
    text = page.read_text()
    assert "### Data regimes on point_mass" in text and "| expert-10 | 10 expert episodes, action noise 0.1 |" in text


@pytest.mark.slow
def test_regimes_with_the_same_data_share_models_and_a_rerun_reuses_the_evaluations(tmp_path, monkeypatch):
    import actjepa.benchmarks.experiments.regimes as regimes_module
    from actjepa.benchmarks.experiments.regimes import run_regimes
    from actjepa.benchmarks.experiments.training import TrainRequest

    cfg = tiny_regimes()
    base = replace(cfg.eval, controllers=("policy",))
    request = TrainRequest(data=tmp_path / "unused.h5", out=tmp_path, settings=cfg.train)
    names = ("kick", "actuator-noise")
    first = run_regimes("point_mass", names, (0,), tmp_path / "r", base, request, progress=False)
    assert (tmp_path / "r" / "kick" / "jepa-s0").is_dir()
    assert not (tmp_path / "r" / "actuator-noise" / "jepa-s0").exists()  # same data as 'kick': its model serves
    assert not (tmp_path / "r" / "actuator-noise" / "data.h5").exists()

    def no_evaluation(*args, **kwargs):
        raise AssertionError("a finished regime was evaluated again")

    monkeypatch.setattr(regimes_module, "evaluate_seeds", no_evaluation)
    assert run_regimes("point_mass", names, (0,), tmp_path / "r", base, request, progress=False) == first
    with pytest.raises(AssertionError, match="evaluated again"):  # other settings: the saved results do not count
        run_regimes("point_mass", names, (0,), tmp_path / "r", replace(base, episodes=1), request, progress=False)


@pytest.mark.parametrize("obs_mode", ["voxels", "pixels"])
def test_observations_a_protocol_cannot_use_are_refused_before_anything_is_written(tmp_path, obs_mode):
    work, report = tmp_path / "work", tmp_path / "report"
    with pytest.raises(UserError):
        Pipeline(replace(tiny_regimes(), obs_mode=obs_mode), work, report, progress=False).run()
    assert not work.exists() and not report.exists()


def test_pixels_refuse_the_latent_scored_oracle_in_one_line():
    from actjepa.benchmarks.experiments.preflight import check_protocol

    cfg = replace(PROTOCOLS["compare"], task="reacher", obs_mode="pixels")
    with pytest.raises(UserError, match="oracle\\+cost"):
        check_protocol(cfg)
    controllers = tuple(c for c in cfg.eval.controllers if c != "oracle+cost")
    check_protocol(replace(cfg, eval=replace(cfg.eval, controllers=controllers)))


@pytest.mark.slow
def test_regimes_evaluated_alike_share_one_oracle_run(tmp_path, monkeypatch):
    import actjepa.benchmarks.experiments.regimes as regimes_module
    from actjepa.benchmarks.experiments.regimes import run_regimes
    from actjepa.benchmarks.experiments.training import TrainRequest

    cfg = tiny_regimes()
    base = replace(cfg.eval, controllers=("oracle", "policy"))
    request = TrainRequest(data=tmp_path / "unused.h5", out=tmp_path, settings=cfg.train)
    calls = []
    evaluate_seeds = regimes_module.evaluate_seeds

    def counted(models, info, eval_cfg, **kwargs):
        calls.append(eval_cfg.controllers)
        return evaluate_seeds(models, info, eval_cfg, **kwargs)

    monkeypatch.setattr(regimes_module, "evaluate_seeds", counted)
    result = run_regimes("point_mass", ("expert-10", "noisy-0.3"), (0,), tmp_path / "r", base, request, progress=False)
    assert calls == [("policy",), ("oracle",), ("policy",)]  # different data, same evaluation: one oracle run
    assert [(r["regime"], r["controller"]) for r in result["rows"]] == [
        (regime, controller) for regime in ("expert-10", "noisy-0.3") for controller in ("oracle", "policy")
    ]
    oracle = [{k: v for k, v in r.items() if k != "regime"} for r in result["rows"] if r["controller"] == "oracle"]
    assert oracle[0] == oracle[1] and oracle[0]["seeds"] == 1
