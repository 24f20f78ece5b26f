"""Markdown tables of results JSON (never typed by hand)."""

from __future__ import annotations


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def num(x: float | None, fmt: str = "{:.3f}") -> str:
    return "n/a" if x is None else fmt.format(x)


def controllers_table(result: dict) -> str:
    """One row per controller of a results.json: success with interval, distance, steps, speed."""
    rows = [
        "| controller | success | 95% interval | per training seed | final goal distance | steps to success "
        "| ms per action (whole batch) | episodes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in result["controllers"].items():
        lo, hi = entry["success_ci95"]
        per_seed = entry.get("per_seed", [])
        seeds = " / ".join(pct(x) for x in per_seed) if len(per_seed) > 1 else "one seed"
        rows.append(
            f"| `{name}` | {pct(entry['success_rate'])} | {pct(lo)} – {pct(hi)} | {seeds} | "
            f"{num(entry['mean_final_distance'])} | {num(entry['mean_steps_to_success'], '{:.1f}')} | "
            f"{num(entry['median_ms_per_action'], '{:.1f}')} | {entry['episodes']} |"
        )
    return "\n".join(rows)


def _sweep_cell(entry: dict) -> str:
    """'68.0% [54–79] (14.6)': success, its 95% interval in points (where recorded), ms per action."""
    ci = entry.get("success_ci95")
    interval = f" [{100 * ci[0]:.0f}–{100 * ci[1]:.0f}]" if ci else ""
    return f"{pct(entry['success_rate'])}{interval} ({num(entry['median_ms_per_action'], '{:.1f}')})"


def sweep_table(result: dict, x_key: str) -> str:
    """Success (with its 95% interval) and speed per swept value, one column per planner."""
    planners = list(result["planners"])
    xs = sorted({e[x_key] for entries in result["planners"].values() for e in entries})
    header = f"| {x_key} | " + " | ".join(f"`{p}` success [95% interval] (ms/action)" for p in planners) + " |"
    rows = [header, "|" + "---|" * (len(planners) + 1)]
    for x in xs:
        entries = [next((e for e in result["planners"][p] if e[x_key] == x), None) for p in planners]
        rows.append(f"| {x} | " + " | ".join("" if e is None else _sweep_cell(e) for e in entries) + " |")
    for name, ref in result.get("references", {}).items():
        rows.append(f"| `{name}` (reference) | " + " | ".join([_sweep_cell(ref)] * len(planners)) + " |")
    return "\n".join(rows)


def data_efficiency_table(result: dict) -> str:
    """Pooled success per number of demonstrations for each (model, controller) curve."""
    curves = list(result["curves"])
    demos = sorted({p["demonstrations"] for pts in result["curves"].values() for p in pts})
    rows = ["| demonstrations | " + " | ".join(curves) + " |", "|" + "---|" * (len(curves) + 1)]
    for d in demos:
        cells = []
        for c in curves:
            p = next((q for q in result["curves"][c] if q["demonstrations"] == d), None)
            cells.append(
                ""
                if p is None
                else f"{pct(p['success_rate'])} [{pct(p['success_ci95'][0])}, {pct(p['success_ci95'][1])}]"
            )
        rows.append(f"| {d} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
