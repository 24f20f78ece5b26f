"""Figures for the experiments, drawn from their JSON results with matplotlib."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from actjepa.common import atomic_write  # noqa: E402

REFERENCE_STYLE = {"policy": ("tab:gray", "--"), "oracle": ("black", ":")}


def save_figure(fig, path: Path) -> Path:
    """Write the figure atomically and close it."""
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=120, bbox_inches="tight"))
    finally:
        plt.close(fig)
    return path


def _rate_and_errors(entries: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    rate = np.array([e["success_rate"] for e in entries])
    ci = np.array([e["success_ci95"] for e in entries])
    return rate, np.stack([rate - ci[:, 0], ci[:, 1] - rate])


def sweep_plot(result: dict, x_key: str, x_label: str, path: Path, title: str) -> Path:
    """Success (with 95% Wilson intervals) and ms per action against a swept planner setting.

    `result["planners"]` maps a planner name to entries carrying `x_key`; the
    pure policy and the oracle, when present in `result["references"]`, are drawn
    as horizontal lines with their interval as a band.
    """
    fig, (ax_success, ax_time) = plt.subplots(1, 2, figsize=(11, 4))
    for name, entries in result["planners"].items():
        xs = np.array([e[x_key] for e in entries])
        rate, err = _rate_and_errors(entries)
        ax_success.errorbar(xs, rate, yerr=err, marker="o", capsize=3, label=name)
        ax_time.plot(xs, [e["median_ms_per_action"] for e in entries], marker="o", label=name)
    for name, ref in result.get("references", {}).items():
        color, style = REFERENCE_STYLE.get(name, ("tab:brown", "-."))
        ax_success.axhline(ref["success_rate"], color=color, linestyle=style, label=f"{name} (reference)")
        ax_success.axhspan(*ref["success_ci95"], color=color, alpha=0.12)
        ax_time.axhline(ref["median_ms_per_action"], color=color, linestyle=style, label=f"{name} (reference)")
    for ax in (ax_success, ax_time):
        ax.set_xscale("log", base=2)
        ax.set_xlabel(x_label)
        ax.grid(alpha=0.3)
    ax_success.set_ylim(-0.02, 1.02)
    ax_success.set_ylabel("success rate (95% Wilson interval)")
    ax_time.set_ylabel("median ms per action")
    ax_time.set_yscale("log")
    ax_success.legend(fontsize=8, loc="best")
    episodes = result.get("episodes")
    fig.suptitle(f"{title} ({result.get('task', '')}, {episodes} held-out episodes per point)")
    return save_figure(fig, path)


def controllers_plot(results: dict, path: Path) -> Path:
    """Bar chart of success per controller with 95% intervals, one group per task."""
    tasks = list(results)
    names = sorted({c for r in results.values() for c in r["controllers"]})
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(tasks) * len(names) / 3), 4))
    width = 0.8 / max(1, len(names))
    for j, name in enumerate(names):
        xs, rates, lows, highs = [], [], [], []
        for i, task in enumerate(tasks):
            entry = results[task]["controllers"].get(name)
            if entry is None:
                continue
            xs.append(i + j * width)
            rates.append(entry["success_rate"])
            lows.append(entry["success_rate"] - entry["success_ci95"][0])
            highs.append(entry["success_ci95"][1] - entry["success_rate"])
        ax.bar(xs, rates, width, yerr=[lows, highs], capsize=2, label=name)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(tasks))], tasks)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("success rate (95% Wilson interval)")
    ax.legend(fontsize=8, ncol=3)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title("Planning against pure policy execution")
    return save_figure(fig, path)


def data_efficiency_plot(result: dict, path: Path) -> Path:
    """Success against the number of demonstrations, one line per (model, controller); seeds as dots."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, points in result["curves"].items():
        xs = np.array([p["demonstrations"] for p in points])
        rate, err = _rate_and_errors(points)
        line = ax.errorbar(xs, rate, yerr=err, marker="o", capsize=3, label=label)
        for p in points:
            ax.scatter(
                [p["demonstrations"]] * len(p["seed_success_rates"]),
                p["seed_success_rates"],
                color=line[0].get_color(),
                alpha=0.35,
                s=12,
            )
    ax.set_xscale("log")
    ax.set_xlabel("demonstrations")
    ax.set_ylabel("success rate (pooled 95% Wilson interval; dots: seeds)")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"Data efficiency on {result.get('task', '')}: ACT-JEPA against behaviour cloning")
    return save_figure(fig, path)


def open_loop_plot(result: dict, path: Path) -> Path:
    """Normalised latent prediction error against rollout step for each model and its copy-last baseline."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for label, curve in result["models"].items():
        steps = np.arange(1, len(curve["model"]) + 1)
        line = ax.plot(steps, curve["model"], marker="o", markersize=3, label=f"{label}: predictor")
        ax.plot(
            steps, curve["copy_last"], linestyle="--", color=line[0].get_color(), label=f"{label}: copy last latent"
        )
    ax.set_xlabel("open-loop rollout step")
    ax.set_ylabel("normalised latent error")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"Open-loop prediction on held-out episodes ({result.get('task', '')})")
    return save_figure(fig, path)


def training_steps_plot(result: dict, path: Path) -> Path:
    """Success (95% Wilson intervals) of each controller against the model's training steps."""
    fig, ax = plt.subplots(figsize=(6, 4))
    steps = np.array([p["steps"] for p in result["points"]])
    for name in result["points"][0]["controllers"]:
        rate, err = _rate_and_errors([p["controllers"][name] for p in result["points"]])
        ax.errorbar(steps, rate, yerr=err, marker="o", capsize=3, label=name)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("training steps")
    ax.set_ylabel("success rate (95% Wilson interval)")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"Success against training steps ({result['task']}, {result['episodes']} episodes per point)")
    return save_figure(fig, path)
