"""The regimes experiment in the report: one table per task (which data each row comes from) and its figure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from actjepa.benchmarks.reporting.plots import plt, save_figure
from actjepa.benchmarks.reporting.regimes_summary import regimes_summary
from actjepa.benchmarks.reporting.tables import pct


def _by_regime(result: dict) -> tuple[list[str], list[str], dict[tuple[str, str], dict]]:
    """Regimes and controllers in file order, and each (regime, controller) row."""
    rows = {(r["regime"], r["controller"]): r for r in result["rows"]}
    regimes = list(dict.fromkeys(r["regime"] for r in result["rows"]))
    controllers = list(dict.fromkeys(r["controller"] for r in result["rows"]))
    return regimes, controllers, rows


def regimes_plot(result: dict, path: Path) -> Path:
    """Success per regime: one bar group per regime, one bar per controller, 95% intervals drawn."""
    regimes, controllers, rows = _by_regime(result)
    fig, ax = plt.subplots(figsize=(max(7.0, 0.9 * len(regimes) * max(1, len(controllers)) / 2), 4.5))
    width = 0.8 / max(1, len(controllers))
    for j, controller in enumerate(controllers):
        present = [(i, rows[(r, controller)]) for i, r in enumerate(regimes) if (r, controller) in rows]
        rate = np.array([row["success_rate"] for _, row in present])
        ci = np.array([row["success_ci95"] for _, row in present]).reshape(-1, 2)
        xs = [i + j * width for i, _ in present]
        ax.bar(xs, rate, width, yerr=[rate - ci[:, 0], ci[:, 1] - rate], capsize=2, label=controller)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(regimes))], regimes, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("success rate (pooled 95% Wilson interval)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncol=4)
    ax.set_title(f"Planning against the policy across data regimes on {result['task']}")
    return save_figure(fig, path)


def regimes_section(result: dict, figure_prefix: str = "") -> list[str]:
    """Figure and table of one task's regimes file; each row names the data its models were trained on."""
    from actjepa.benchmarks.experiments.regimes import REGIMES

    regimes, controllers, rows = _by_regime(result)
    header = ["regime", "training data / evaluation", *controllers]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for regime in regimes:
        about = REGIMES[regime].about if regime in REGIMES else "(not a known regime)"
        cells = []
        for controller in controllers:
            row = rows.get((regime, controller))
            cells.append(
                "-"
                if row is None
                else f"{pct(row['success_rate'])} [{pct(row['success_ci95'][0])}, {pct(row['success_ci95'][1])}]"
            )
        lines.append("| " + " | ".join([regime, about, *cells]) + " |")
    seeds = max((r["seeds"] for r in result["rows"]), default=0)
    return [
        f"### Data regimes on {result['task']}: when planning beats the policy",
        "",
        f"One model per regime and training seed ({seeds} seeds), each trained on the data named in the row; "
        "episodes pooled over the seeds (the oracle runs once).",
        "",
        f"![success per regime]({figure_prefix}{result['task']}.png)",
        "",
        *lines,
        "",
        *regimes_summary(result),
    ]


def regimes_folder_sections(folder: Path, prefix: str) -> list[str]:
    """The sections of every task file in a regimes folder."""
    parts: list[str] = []
    for path in sorted(folder.glob("*.json")):
        parts += regimes_section(json.loads(path.read_text()), prefix)
    return parts
