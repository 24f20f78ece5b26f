"""The controllers that read no model, evaluated on the episodes of an existing controller table.

A results.json made before `zero` and `random` existed gets them beside it, in `baselines.json`, from the
same held-out episodes (task, split, count, noise seed and batch); the report adds their rows to that
table. Tables whose episodes cannot be rebuilt from the file (a goal region, a perturbation) are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.config import BUDGET_FIELDS, EvalConfig
from actjepa.benchmarks.evaluation.run import evaluate
from actjepa.benchmarks.evaluation.trivial import TRIVIAL_CONTROLLERS
from actjepa.planner import ControllerConfig, PlannerConfig

BASELINES_FILE = "baselines.json"
"Name of the file written beside a results.json; the report reads it from the same folder."


def config_of_results(results: dict, controllers: tuple[str, ...], episodes: int | None = None) -> EvalConfig:
    """The evaluation a results file records (`settings`: split, batch, noise seed, planning budget and every
    other planner setting it changed), for `controllers` on its first `episodes` episodes (default: all)."""
    settings, seeds = results["settings"], results["evaluation_seeds"]
    budget = {k: int(settings[k]) for k in BUDGET_FIELDS}
    planner = PlannerConfig(**budget, **settings.get("planner_overrides", {}))
    control = ControllerConfig(
        planner=planner, replan_every=int(settings["replan_every"]), seed=int(settings.get("seed", 0)), device="cpu"
    )
    count = int(results["episodes"]) if episodes is None else episodes
    return EvalConfig(
        controllers=controllers,
        episodes=count,
        split=seeds.get("split", settings.get("split", "test")),
        batch_size=min(int(settings["batch_size"]), count),
        control=control,
    )


def baselines_config(results: dict, source: Path) -> EvalConfig:
    """The evaluation of `zero` and `random` on the held-out episodes of the results file `source`."""
    if results.get("goal_region") or results.get("perturbation"):
        raise UserError(f"{source} evaluates a goal region or a perturbation, which its file cannot rebuild")
    return config_of_results(results, TRIVIAL_CONTROLLERS)


def evaluate_baselines(results: dict, source: Path, progress: bool = False) -> dict[str, Any]:
    """baselines.json for the results file `source`: the two rows, their episodes and the file they belong to."""
    cfg = baselines_config(results, source)
    info = {"task": results["task"], "obs_mode": results.get("obs_mode", "state")}
    out = evaluate(None, info, cfg, progress=progress)
    first, last = out["evaluation_seeds"]["first"], out["evaluation_seeds"]["last"]
    if (first, last) != (results["evaluation_seeds"]["first"], results["evaluation_seeds"]["last"]):
        raise UserError(f"{source}'s episodes (seeds {results['evaluation_seeds']}) cannot be rebuilt; not written")
    return {**out, "for_results": source.name}
