"""Success against the planning budget and against the horizon, for one controller of one trained model.

Each point runs the official protocol's episodes (of the suite's split) with one budget changed; points are
kept like every evaluation, so a longer sweep reuses the shorter one. The budget sweep chooses the budget for
success per second: the suite's planning budget is picked on the validation split from it.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from actjepa.benchmarks.evaluation.stats import wilson_interval
from actjepa.benchmarks.ogbench.evaluation import SUBGOAL_PREFIX, overall_success, run_official
from actjepa.benchmarks.ogbench.suite import OGBenchSuite, ensure_data, kept_run, trained_model, waypoint_graph


def _point(suite: OGBenchSuite, controller: str, record: dict[str, Any]) -> dict[str, Any]:
    planner = suite.control.planner
    solved = sum(record["success"])
    low, high = wilson_interval(solved, len(record["success"]))
    return {
        "num_samples": planner.num_samples,
        "horizon": planner.horizon,
        "iterations": planner.iterations,
        "success": 100.0 * overall_success(record),
        "success_ci95": [100.0 * low, 100.0 * high],
        "ms_per_action": record["ms_per_action"],
        "wall_s": record["wall_s"],
        "episodes": len(record["success"]),
    }


def sweep(suite: OGBenchSuite, controller: str, field: str, values: tuple[int, ...], progress: bool = True) -> dict:
    """`controller` of the first training seed's model at each value of one PlannerConfig field."""
    seed = suite.seeds[0]
    data = ensure_data(suite, progress)
    model = trained_model(suite, data, seed, None, progress)
    graph = waypoint_graph(suite, model, data, seed) if controller.startswith(SUBGOAL_PREFIX) else None
    from actjepa.envs.ogbench import recipe

    task = recipe(suite.dataset).env
    points = []
    for value in values:
        planner = replace(suite.control.planner, **{field: int(value)})
        control = replace(suite.control, planner=planner, replan_every=min(suite.control.replan_every, planner.horizon))
        point_suite = replace(suite, control=control)
        run = partial(run_official, controller, model, task, suite.evaluation, control, graph, suite.subgoals,
                      progress=progress)  # fmt: skip
        points.append(_point(point_suite, controller, kept_run(point_suite, controller, seed, run, progress)))
    return {
        "dataset": suite.dataset,
        "controller": controller,
        "swept": field,
        "training_seed": seed,
        "split": suite.evaluation.split,
        "episodes_per_task": suite.evaluation.episodes_per_task,
        "points": points,
    }


def sweep_plot(result: dict, path: Path) -> Path:
    """Success (with its interval) and ms per action against the swept field."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from actjepa.benchmarks.reporting.plots import save_figure

    field = result["swept"]
    x = [p[field] for p in result["points"]]
    y = [p["success"] for p in result["points"]]
    err = [[p["success"] - p["success_ci95"][0] for p in result["points"]],
           [p["success_ci95"][1] - p["success"] for p in result["points"]]]  # fmt: skip
    fig, left = plt.subplots(figsize=(6, 3.6))
    left.errorbar(x, y, yerr=err, marker="o", capsize=3, label="success")
    left.set_xscale("log", base=2)
    left.set_xlabel(field.replace("_", " "))
    left.set_ylabel("success % (mean over tasks)")
    left.set_ylim(0, 100)
    right = left.twinx()
    right.plot(x, [p["ms_per_action"] for p in result["points"]], "s--", color="gray", label="ms per action")
    right.set_ylabel("ms per action (whole batch)")
    left.set_title(f"{result['dataset']}: {result['controller']} ({result['split']} split)")
    return save_figure(fig, path)
