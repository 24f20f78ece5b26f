"""Sweeps: success and speed of each planner as one budget setting (horizon or sample count) varies."""

from __future__ import annotations

from typing import Any

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.run import controller_entry

SWEEPABLE = ("horizon", "num_samples", "iterations")
"Budget settings a sweep can vary."


def sweep(
    model: Any,
    info: dict,
    base: EvalConfig,
    planners: tuple[str, ...],
    key: str,
    values: tuple[int, ...],
    references: dict[str, dict] | None = None,
    prior: Any = None,
    progress: bool = True,
) -> dict:
    """Success and speed of each planner as one budget setting (`horizon` or `num_samples`) varies.

    With the horizon swept, replanning happens at most every H steps (a plan of
    length H cannot be executed for longer). References (policy, oracle at the
    base budget) are copied in to be drawn as horizontal lines.
    """
    if key not in SWEEPABLE:
        raise ValueError(f"cannot sweep {key!r}; choose one of {', '.join(SWEEPABLE)}")
    planners_out: dict[str, list[dict]] = {p: [] for p in planners}
    for value in values:
        cfg = base.with_budget(**{key: value})
        for name in planners:
            entry, ctrl_cfg = controller_entry(name, model, info, cfg, prior, progress)
            planners_out[name].append({key: value, **entry, "replan_every": ctrl_cfg.replan_every})
    planner = base.control.planner
    return {
        "task": info["task"],
        "episodes": base.episodes,
        "swept": key,
        "base_settings": {
            "num_samples": planner.num_samples,
            "horizon": planner.horizon,
            "iterations": planner.iterations,
            "replan_every": base.control.replan_every,
        },
        "planners": planners_out,
        "references": references or {},
    }
