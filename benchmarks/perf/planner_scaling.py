"""The settings `actjepa bench planner` sweeps, and what it says about them: tables, targets, plot.

Plan time is swept over one axis at a time from the default budget: samples N, horizon H and episodes
B. Work grows in proportion to each; where time grows less than that, fixed per-operation costs
dominate (overhead-bound), and where it grows in proportion, the arithmetic does (compute-bound).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

SAMPLES = (64, 128, 256, 512, 1024, 2048)
"N of the sample sweep (H, iterations and B at the default budget)."
HORIZONS = (4, 8, 16, 32)
"H of the horizon sweep."
BATCHES = (1, 2, 4, 8, 16)
"B (episodes planned at once) of the batch sweep."
LINEAR_SLOPE = 0.8
"A sweep step whose log-log slope of time against work reaches this counts as compute-bound (linear)."
SUPERLINEAR_SLOPE = 1.3
"A sweep step whose slope exceeds this grows faster than its work (e.g. the working set leaves the cache)."

AXES = {"samples": ("num_samples", 0), "horizon": ("horizon", 1), "batch": ("batch", 3)}
"Sweep name -> (row key, index in the setting tuple)."


def settings(large_budget: tuple[int, int, int], sweeps: bool = True) -> list[tuple[int, int, int, int]]:
    """Every (N, H, iterations, B) to time, each once: the default budget at B=1 first, then the sweeps' (if
    asked for), then the large budget at B=1."""
    from actjepa.benchmarks.perf.planner import DEFAULT_BUDGET

    num, horizon, iterations = DEFAULT_BUDGET
    grid = [(num, horizon, iterations, 1)]
    if sweeps:
        grid += [(n, horizon, iterations, 1) for n in SAMPLES]
        grid += [(num, h, iterations, 1) for h in HORIZONS]
        grid += [(num, horizon, iterations, b) for b in BATCHES]
    grid.append((*large_budget, 1))
    return list(dict.fromkeys(grid))


def at_budget(rows: list[dict], budget: tuple[int, int, int]) -> dict[str, Any]:
    """Median ms per plan and per action at this (N, H, iterations) and B=1, in every mode timed."""
    num, horizon, iterations = budget
    found = {
        mode: _row(rows, mode, num_samples=num, horizon=horizon, iterations=iterations, batch=1)
        for mode in dict.fromkeys(r["mode"] for r in rows)
    }
    return {
        "budget": list(budget),
        **{
            mode: {"ms_per_plan": r["plan_ms"]["median"], "ms_per_action": r["ms_per_action"]["median"]}
            for mode, r in found.items()
            if r is not None
        },
    }


def _row(rows: list[dict], mode: str, **where: int) -> dict | None:
    return next((r for r in rows if r["mode"] == mode and all(r[k] == v for k, v in where.items())), None)


def _verdict(xs: list[int], times: list[float], axis: str) -> str:
    """Where time grows in proportion to the swept axis (compute-bound), and where it does not."""
    steps = list(zip(xs[:-1], xs[1:], times[:-1], times[1:], strict=True))
    slopes = [math.log(t2 / t1) / math.log(x2 / x1) for x1, x2, t1, t2 in steps]
    text = ", ".join(f"{x1}->{x2}: {s:.2f}" for (x1, x2, _, _), s in zip(steps, slopes, strict=True))
    fast = [f"{x1}->{x2}" for (x1, x2, _, _), s in zip(steps, slopes, strict=True) if s > SUPERLINEAR_SLOPE]
    tail = next((k for k in range(len(slopes)) if all(s >= LINEAR_SLOPE for s in slopes[k:])), None)
    if tail == 0:
        verdict = f"linear in {axis} over the whole sweep"
    elif tail is None:
        verdict = f"not linear at the largest {axis}: time grows slower than the work there"
    else:
        verdict = f"overhead-bound below {axis}={xs[tail]}, linear from there on"
    if fast:
        verdict += f"; faster than the work at {', '.join(fast)} (working set past the cache)"
    return f"{verdict} (log-log slopes {text})"


def sweeps(rows: list[dict]) -> dict[str, Any]:
    """Per sweep and mode: the axis values, median ms per plan, and the linearity verdict."""
    from actjepa.benchmarks.perf.planner import DEFAULT_BUDGET

    num, horizon, iterations = DEFAULT_BUDGET
    base = {"num_samples": num, "horizon": horizon, "iterations": iterations, "batch": 1}
    values = {"samples": SAMPLES, "horizon": HORIZONS, "batch": BATCHES}
    out: dict[str, Any] = {}
    for name, (key, _) in AXES.items():
        entry: dict[str, Any] = {"axis": key, "values": list(values[name])}
        for mode in sorted({r["mode"] for r in rows}):
            found = [_row(rows, mode, **{**base, key: x}) for x in values[name]]
            if any(r is None for r in found):
                continue
            times = [r["plan_ms"]["median"] for r in found]
            entry[mode] = {"plan_ms": times, "verdict": _verdict(list(values[name]), times, key)}
        out[name] = entry
    return out


def targets(
    rows: list[dict], budget: tuple[int, int, int], ms_target: float, ratio_targets: dict[int, float]
) -> dict[str, Any]:
    """The targets, judged on the fastest mode timed (compiled where it ran)."""
    num, horizon, iterations = budget
    mode = "compiled" if any(r["mode"] == "compiled" for r in rows) else "eager"
    at = {"num_samples": num, "horizon": horizon, "iterations": iterations}
    b1 = _row(rows, mode, batch=1, **at)
    result: dict[str, Any] = {
        "default_budget": list(budget),
        "mode": mode,
        "ms_per_plan_target": ms_target,
        "ms_per_plan_b1": b1["plan_ms"]["median"],
        "ms_per_action_b1": b1["ms_per_action"]["median"],
        "latency_met": b1["plan_ms"]["median"] <= ms_target,
        "matmul_ratio_targets": {str(b): t for b, t in ratio_targets.items()},
        "matmul_ratio": {},
        "matmul_ratio_met": {},
    }
    for batch, target in ratio_targets.items():
        row = _row(rows, mode, batch=batch, **at)
        if row is not None:
            result["matmul_ratio"][str(batch)] = row["ratio_to_matmul"]
            result["matmul_ratio_met"][str(batch)] = row["ratio_to_matmul"] >= target
    return result


def format_table(rows: list[dict]) -> str:
    """The human-readable table: ms per plan first, then per action, compile time and efficiency."""
    head = (
        f"{'N':>5} {'H':>3} {'it':>3} {'B':>3} {'mode':>8} | {'ms/plan med [min,max]':>22} | {'ms/action':>9} | "
        f"{'compile s':>9} | {'us/sample-step':>14} | {'peak MB':>7} | {'GFLOP/s':>7} | {'mm GFLOP/s':>10} | ratio"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        p = r["plan_ms"]
        lines.append(
            f"{r['num_samples']:>5} {r['horizon']:>3} {r['iterations']:>3} {r['batch']:>3} {r['mode']:>8} | "
            f"{p['median']:>8.1f} [{p['min']:>5.1f},{p['max']:>6.1f}] | {r['ms_per_action']['median']:>9.2f} | "
            f"{r['compile_s']:>9.1f} | {r['us_per_sample_step']:>14.4f} | {r['peak_memory_mb']:>7.0f} | "
            f"{r['achieved_flop_per_s'] / 1e9:>7.1f} | {r['matmul_flop_per_s_same_shapes'] / 1e9:>10.1f} | "
            f"{r['ratio_to_matmul']:.2f}"
        )
    return "\n".join(lines)


def summary_line(payload: dict) -> str:
    """One line on the targets."""
    t = payload["targets"]
    ratios = ", ".join(
        f"B={b}: {t['matmul_ratio'][b]:.2f} (target >= {t['matmul_ratio_targets'][b]})" for b in t["matmul_ratio"]
    )
    missing = f"; compiled not timed: {payload['compiled_missing']}" if payload["compiled_missing"] else ""
    large = f"large budget {large_budget_text(payload['large_budget'])}; " if payload.get("large_budget") else ""
    return (
        f"default budget {tuple(t['default_budget'])}, B=1, {t['mode']}: {t['ms_per_plan_b1']:.1f} ms per plan "
        f"(target <= {t['ms_per_plan_target']:g}), {t['ms_per_action_b1']:.2f} ms per action; "
        f"{large}"
        f"matmul ratio {ratios}; threads={payload['torch_threads']}{missing}"
    )


def large_budget_text(large: dict) -> str:
    """'(N, H, it), B=1: X ms per action eager, Y ms per action compiled'."""
    modes = [m for m in ("eager", "compiled") if m in large]
    times = ", ".join(f"{large[m]['ms_per_action']:.2f} ms per action {m}" for m in modes)
    return f"{tuple(large['budget'])}, B=1: {times}"


def device_name(device: str) -> str:
    """The GPU's name on CUDA, else the CPU's model name and core count."""
    import torch

    return torch.cuda.get_device_name(torch.device(device)) if device.startswith("cuda") else cpu_name()


def cpu_name() -> str:
    """The CPU's model name (from /proc/cpuinfo where there is one) and its logical core count."""
    import os

    from actjepa.benchmarks.provenance import processor_model

    return f"{processor_model()}, {os.cpu_count()} logical cores"


def plot(payload: dict, path: Path) -> Path:
    """Plan time against N, H and B (log-log), one line per mode, with the proportional-growth guide."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from actjepa.benchmarks.reporting.plots import save_figure

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, (name, entry) in zip(axes, payload["scaling"].items(), strict=True):
        xs = entry["values"]
        for mode in payload["modes"]:
            if mode in entry:
                ax.plot(xs, entry[mode]["plan_ms"], marker="o", label=mode)
        if payload["modes"][0] in entry:
            t0 = entry[payload["modes"][0]]["plan_ms"][0]
            ax.plot(xs, [t0 * x / xs[0] for x in xs], color="grey", linestyle=":", label="proportional")
        ax.set(xscale="log", yscale="log", xlabel=entry["axis"], ylabel="ms per plan", title=f"{name} sweep")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].axhline(payload["targets"]["ms_per_plan_target"], color="red", linestyle="--", label="target")
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Planner time per plan ({payload['device_name']}, {payload['torch_threads']} threads)")
    return save_figure(fig, path)
