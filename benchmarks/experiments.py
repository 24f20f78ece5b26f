"""The experiments: controller comparison, horizon and sample-budget sweeps, open-loop prediction.

Each function returns a JSON-ready dict; plotting and the report read those dicts.
Data efficiency, which trains models, lives in benchmarks.data_efficiency.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from benchmarks.evaluation import summarize
from benchmarks.harness import EvalConfig, evaluate_controller


def _entry(name: str, model, info: dict, cfg: EvalConfig, prior=None, progress: bool = True) -> dict:
    record, ctrl_cfg = evaluate_controller(name, model, info["task"], info["obs_mode"], cfg, prior=prior,
                                           progress=progress)
    entry = summarize(record, batch_size=min(cfg.batch_size, cfg.episodes), replan_every=ctrl_cfg.replan_every)
    entry["replan_every"] = ctrl_cfg.replan_every
    return entry


def sweep(model, info: dict, base: EvalConfig, planners: tuple[str, ...], key: str, values: tuple[int, ...],
          references: dict[str, dict] | None = None, prior=None, progress: bool = True) -> dict:
    """Success and speed of each planner as one planning setting (`horizon` or `num_samples`) varies.

    With the horizon swept, replanning happens at most every H steps (a plan of
    length H cannot be executed for longer). References (policy, oracle at the
    base budget) are copied in to be drawn as horizontal lines.
    """
    planners_out: dict[str, list[dict]] = {p: [] for p in planners}
    for value in values:
        cfg = replace(base, **{key: value})
        if key == "horizon":
            cfg = replace(cfg, replan_every=min(base.replan_every, value))
        for name in planners:
            planners_out[name].append({key: value, **_entry(name, model, info, cfg, prior, progress)})
    return {
        "task": info["task"],
        "episodes": base.episodes,
        "swept": key,
        "base_settings": {"num_samples": base.num_samples, "horizon": base.horizon,
                          "iterations": base.iterations, "replan_every": base.replan_every},
        "planners": planners_out,
        "references": references or {},
    }


def open_loop_comparison(models: dict[str, object], observations: np.ndarray, actions: np.ndarray,
                         horizon: int, task: str) -> dict:
    """Held-out open-loop latent error for each model against its own copy-last-latent baseline."""
    from world_model.diagnostics import open_loop_error

    curves = {}
    for label, model in models.items():
        result = open_loop_error(model, observations, actions, horizon)
        curves[label] = {"model": list(map(float, result["model"])), "copy_last": list(map(float, result["copy_last"]))}
    return {"task": task, "horizon": horizon, "episodes": int(observations.shape[0]), "models": curves}
