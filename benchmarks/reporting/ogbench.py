"""The OGBench section of the results: per dataset, the six published methods and this project's controllers
in one column of success, the per-task rates, the targets, and the success-against-horizon figure."""

from __future__ import annotations

import json
from pathlib import Path

from actjepa.benchmarks.ogbench.published import METHODS

ROW_NAMES = {
    "policy": "ACT-JEPA `policy` (the head alone)",
    "mppi": "ACT-JEPA `mppi` (latent L2 cost, no prior)",
    "mppi+prior": "ACT-JEPA `mppi+prior`",
    "subgoal:policy": "ACT-JEPA `subgoal:policy` (waypoint graph + head)",
    "subgoal:mppi+prior": "ACT-JEPA `subgoal:mppi+prior` (waypoint graph + planner)",
    "bc:policy": "BC `policy` (our GCBC)",
}
"How each controller row is named in the tables."


def _ours(row: dict) -> str:
    low, high = row["success_ci95"]
    seeds = ", ".join(f"{v:.0f}" for v in row["per_seed"].values())
    return f"**{row['success_mean']:.1f} ± {row['success_std']:.1f}** [{low:.0f}–{high:.0f}] (seeds: {seeds})"


def dataset_table(record: dict) -> list[str]:
    """One dataset's table: published methods first, then ours, then the per-task rates and the targets."""
    lines = [
        f"#### {record['dataset']}",
        "",
        "| method | success % (mean ± std over training seeds) [95% interval over all episodes] |",
        "|---|---|",
    ]
    lines += [f"| {m} (published) | {record['published'][m]:.0f} |" for m in METHODS]
    rows = {row["controller"]: row for row in record["rows"]}
    lines += [f"| {ROW_NAMES.get(name, name)} | {_ours(row)} |" for name, row in rows.items()]
    lines += [
        "",
        "| controller | task 1 | task 2 | task 3 | task 4 | task 5 | ms per action (whole batch, mean) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        tasks = " | ".join(f"{row['per_task'][f'task{k}']:.0f}" for k in range(1, 6))
        lines.append(f"| `{name}` | {tasks} | {row['ms_per_action']:.1f} |")
    lines += ["", *_notes(record, rows)]
    return lines


def _notes(record: dict, rows: dict) -> list[str]:
    best_name, best = max(record["published"].items(), key=lambda item: item[1])
    ours_name, ours = max(
        ((n, r["success_mean"]) for n, r in rows.items() if not n.startswith("bc:")), key=lambda x: x[1]
    )
    p = record["protocol"]
    notes = [
        f"{p['tasks']} tasks x {p['episodes_per_task']} episodes per training seed ({p['split']} split), "
        f"training seeds {', '.join(map(str, p['seeds']))}; episodes end at success or the time limit.",
        f"- best published: {best_name} {best:.0f}%; ours: `{ours_name}` {ours:.1f}%: "
        f"**{'at or above' if ours >= best else 'below'}** it.",
    ]
    if "bc:policy" in rows:
        gcbc, bc = record["published"]["GCBC"], rows["bc:policy"]["success_mean"]
        notes.append(f"- our BC {bc:.1f}% against the published GCBC {gcbc:.0f}%: {abs(bc - gcbc):.1f} points apart.")
    models = record.get("training", {}).get("models", {})
    if models:
        times = ", ".join(
            f"{k} {v['steps']} steps in {v['wall_s'] / 60:.1f} min" for k, v in models.items() if v.get("wall_s")
        )
        notes.append(f"- training: {times}.")
    return notes


def ogbench_section(folder: Path, figure_prefix: str = "") -> list[str]:
    """The whole OGBench section from folder/*.json (one file per dataset); empty when there are none."""
    files = sorted(Path(folder).glob("*.json"))
    records = [json.loads(f.read_text()) for f in files]
    records = [r for r in records if "published" in r and "rows" in r]
    if not records:
        return []
    lines = ["### OGBench (official protocol)", "", f"Published numbers: {records[0]['published_source']}.", ""]
    for record in records:
        lines += [*dataset_table(record), ""]
    horizon = Path(folder) / "horizon.png"
    if horizon.is_file():
        lines += [f"![success against planning horizon]({figure_prefix}horizon.png)", ""]
    return lines
