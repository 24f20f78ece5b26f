"""The results file of one OGBench dataset: a row per controller, pooled over training seeds, beside the
published numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from actjepa.benchmarks.evaluation.stats import wilson_interval
from actjepa.benchmarks.ogbench.evaluation import overall_success, per_task_success
from actjepa.benchmarks.ogbench.published import PUBLISHED, SOURCE


def controller_row(controller: str, records: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """One table row from the run_official records of each training seed (seed -> record).

    success_mean/std are over seeds of each seed's mean-over-tasks (OGBench's statistic, in %); the Wilson
    interval is over every episode of every seed; per_task pools the seeds.
    """
    overall = [100.0 * overall_success(r) for r in records.values()]
    solved = np.concatenate([np.asarray(r["success"], dtype=bool) for r in records.values()])
    tasks = np.concatenate([np.asarray(r["tasks"]) for r in records.values()])
    low, high = wilson_interval(int(solved.sum()), len(solved))
    return {
        "controller": controller,
        "success_mean": float(np.mean(overall)),
        "success_std": float(np.std(overall)),
        "success_ci95": [100.0 * low, 100.0 * high],
        "per_seed": {str(seed): value for seed, value in zip(records, overall, strict=True)},
        "per_task": {f"task{k}": 100.0 * float(solved[tasks == k].mean()) for k in sorted(set(tasks.tolist()))},
        "episodes": int(len(solved)),
        "eval_wall_s": {str(seed): float(r["wall_s"]) for seed, r in records.items()},
        "ms_per_action": float(np.mean([r["ms_per_action"] for r in records.values()])),
    }


def results_record(dataset: str, protocol: dict[str, Any], rows: list[dict], extra: dict[str, Any]) -> dict:
    """The JSON written to docs/results/ogbench/<dataset>.json."""
    return {
        "dataset": dataset,
        "protocol": protocol,
        "rows": rows,
        "published": PUBLISHED[dataset],
        "published_source": SOURCE,
        **extra,
    }


__all__ = ["controller_row", "per_task_success", "results_record"]
