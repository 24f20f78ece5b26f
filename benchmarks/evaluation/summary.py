"""The per-controller entries of results.json: success with its interval, distance, speed."""

from __future__ import annotations

import numpy as np

from actjepa.benchmarks.evaluation.episodes import EpisodeRecord
from actjepa.benchmarks.evaluation.stats import wilson_interval


def per_action_ms(timings: list[float], replan_every: int) -> np.ndarray:
    """Milliseconds per action for each replanning cycle.

    A receding-horizon controller pays for a plan on one call and then replays
    it for replan_every - 1 cheap calls; the honest per-action cost of a cycle
    is its total time divided by the actions it produced.
    """
    ms = np.asarray(timings, dtype=np.float64)
    cycles = [ms[i : i + replan_every] for i in range(0, len(ms), max(1, replan_every))]
    return np.array([c.mean() for c in cycles if c.size])


def summarize(record: EpisodeRecord, batch_size: int, replan_every: int = 1) -> dict:
    """The per-controller entry of results.json.

    Timings are for the whole batch of `batch_size` episodes stepping together.
    """
    n = int(record.success.size)
    k = int(record.success.sum())
    lo, hi = wilson_interval(k, n)
    reached = record.steps_to_success[record.steps_to_success > 0]
    return {
        "episodes": n,
        "successes": k,
        "success_rate": k / n,
        "success_ci95": [lo, hi],
        "ever_success_rate": float(record.ever_success.mean()),
        "mean_final_distance": float(record.final_distance.mean()),
        "mean_steps_to_success": float(reached.mean()) if reached.size else None,
        "median_ms_per_action": float(np.median(per_action_ms(record.ms_per_action, replan_every))),
        "mean_ms_per_action": float(np.mean(record.ms_per_action)),
        "episodes_side_by_side": batch_size,
        **({} if record.solved_at_start is None else {"solved_at_start_rate": float(record.solved_at_start.mean())}),
        "per_episode": per_episode(record),
    }


def per_episode(record: EpisodeRecord) -> dict[str, list]:
    """Each episode's seed and outcome, in evaluation order (lists over episodes, training seeds one after another),
    so a rerun of one model on some of the episodes can be compared episode by episode."""
    return {
        "seed": [int(s) for s in record.seeds],
        "success": [bool(s) for s in record.success],
        "final_distance": [round(float(d), 6) for d in record.final_distance],
        "steps_to_success": [int(s) for s in record.steps_to_success],
    }


def strip_timings(results: dict) -> dict:
    """results.json without wall-clock fields, for comparing reruns."""
    clean = {k: v for k, v in results.items() if k != "torch_threads"}
    clean["controllers"] = {
        name: {k: v for k, v in entry.items() if not k.endswith("ms_per_action")}
        for name, entry in results["controllers"].items()
    }
    return clean
