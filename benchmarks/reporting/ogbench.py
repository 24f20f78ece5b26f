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
    "partial:policy": "ACT-JEPA `partial:policy` (goal: only the task's entries)",
    "partial:mppi+prior": "ACT-JEPA `partial:mppi+prior` (goal: only the task's entries)",
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
        f"### {record['dataset']}",
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


DIFFERENCES = (
    "What differs from the paper's protocol: the datasets are regenerated here from OGBench's recipes (the "
    "published files cannot be downloaded on these machines), seeded, at the published sizes; each model trains "
    "for the steps listed above on 2 CPU cores, where OGBench's methods train for 1M steps; {seeds} training "
    "seed{s}, where OGBench uses 8; subgoal controllers plan through waypoints drawn from the training data's states."
)
"The protocol's departures from OGBench's, stated under every dataset table ({seeds}: this table's seed count)."


def _notes(record: dict, rows: dict) -> list[str]:
    best_name, best = max(record["published"].items(), key=lambda item: item[1])
    ours_name, ours = max(
        ((n, r["success_mean"]) for n, r in rows.items() if not n.startswith("bc:")), key=lambda x: x[1]
    )
    p = record["protocol"]
    notes = [
        f"{p['tasks']} tasks x {p['episodes_per_task']} episodes per training seed ({p['split']} split), "
        f"training seeds {', '.join(map(str, p['seeds']))}; episodes end at success or the time limit; "
        f"planning budget (N, H, iterations) = ({p['budget']['num_samples']}, {p['budget']['horizon']}, "
        f"{p['budget']['iterations']}), replanning every {p['replan_every']} steps.",
        "",
        f"- best published: {best_name} {best:.0f}%; ours: `{ours_name}` {ours:.1f}%: "
        f"**{'at or above' if ours >= best else 'below'}** it.",
    ]
    if "bc:policy" in rows:
        gcbc, bc = record["published"]["GCBC"], rows["bc:policy"]["success_mean"]
        notes.append(f"- our BC {bc:.1f}% against the published GCBC {gcbc:.0f}%: {abs(bc - gcbc):.1f} points apart.")
    walls = rows[ours_name].get("eval_wall_s", {})
    if walls:
        spent = ", ".join(f"seed {k}: {v / 60:.1f} min" for k, v in walls.items())
        notes.append(f"- one official evaluation of `{ours_name}` (all tasks and episodes of one seed): {spent}.")
    models = record.get("training", {}).get("models", {})
    if models:
        times = ", ".join(
            f"{k} {v['steps']} steps"
            + (f" in {v['wall_s'] / 60:.1f} min" if v.get("wall_s") else " (time not recorded)")
            for k, v in models.items()
        )
        notes.append(f"- training: {times}.")
    if p.get("partial_goal_prob"):
        notes.append(
            f"- ACT-JEPA trained with a share of {p['partial_goal_prob']:g} of its goals composed of the state and the "
            "goal's task entries, as the `partial:` controllers compose goals (docs/findings.md, item 17)."
        )
    seeds = len(p["seeds"])
    return [*notes, "- " + DIFFERENCES.format(seeds=seeds, s="s" if seeds > 1 else "")]


def sweep_table(result: dict, figure_prefix: str = "") -> list[str]:
    """Success and time per action against one planning setting (a budget or horizon sweep file)."""
    field = result["swept"]
    lines = [
        f"### {result['dataset']}: `{result['controller']}` against {field.replace('_', ' ')}",
        "",
        f"Training seed {result['training_seed']}, {result['split']} split, {result['episodes_per_task']} episodes "
        "per task; the other settings as in the dataset's table.",
        "",
        f"| {field.replace('_', ' ')} | success % [95% interval] | ms per action (whole batch) | evaluation min |",
        "|---|---|---|---|",
    ]
    for p in result["points"]:
        low, high = p["success_ci95"]
        lines.append(f"| {p[field]} | {p['success']:.1f} [{low:.0f}–{high:.0f}] | {p['ms_per_action']:.1f} "
                     f"| {p['wall_s'] / 60:.1f} |")  # fmt: skip
    name = f"{result['dataset']}-{'budget' if field == 'num_samples' else 'horizon'}.png"
    return [*lines, "", f"![success against {field.replace('_', ' ')}]({figure_prefix}{name})"]


def ranking_table(result: dict) -> list[str]:
    """How each candidate cost ranks held-out states by the true steps to the goal (a cost-ranking file)."""
    lines = [
        f"### {result['dataset']}: which cost measures the steps still to go?",
        "",
        f"{result['pairs']} pairs of a held-out state and a held-out goal ({result['held_out_episodes']} held-out "
        f"episodes, training seed {result['seed']}), ranked against the true steps around the walls; far: the "
        f"{result['far_pairs']} pairs more than {result['far_steps']:.0f} steps apart.",
        "",
        "| cost | Spearman, all pairs | Spearman, far pairs | pairs with a finite cost |",
        "|---|---|---|---|",
    ]
    for name in ("latent_l2", "value", "graph"):
        if name in result:
            r = result[name]
            lines.append(f"| {name} | {r['spearman']:.2f} | {r['spearman_far']:.2f} | {r['finite_fraction']:.2f} |")
    return lines


def file_order(path: Path) -> tuple[int, str]:
    """Dataset files in the order of the published table, each before its sweeps and rankings."""
    from actjepa.benchmarks.ogbench.published import PUBLISHED

    names = list(PUBLISHED)
    dataset = next((n for n in names if path.stem.startswith(n)), None)
    return (names.index(dataset) if dataset else len(names), path.stem)


def file_lines(record: dict, figure_prefix: str = "") -> list[str]:
    """The section of one OGBench results file: a dataset table, a sweep or a cost ranking."""
    if "swept" in record:
        return sweep_table(record, figure_prefix)
    if "latent_l2" in record:
        return ranking_table(record)
    return [*dataset_table(record), "", f"Published numbers: {record['published_source']}."]


def ogbench_section(folder: Path, figure_prefix: str = "") -> list[str]:
    """Every OGBench file of `folder` in one list of lines: dataset tables first, then sweeps and rankings."""
    records = [json.loads(f.read_text()) for f in sorted(Path(folder).glob("*.json"), key=file_order)]
    ordered = sorted(records, key=lambda r: "swept" in r or "latent_l2" in r)
    return [line for record in ordered for line in (*file_lines(record, figure_prefix), "")]


def ogbench_summary(folder: Path, page: str) -> list[str]:
    """One row per dataset of `folder`: our best controller and our BC against GCBC and the best published method
    (the README's short table; `page` is the results page that holds every table)."""
    paths = [f for f in sorted(Path(folder).glob("*.json"), key=file_order)]
    records = [r for r in (json.loads(f.read_text()) for f in paths) if "rows" in r]
    if not records:
        return []
    lines = [
        "| dataset | ours, best (mean ± std over seeds) | our BC | GCBC (published) | best published | seeds |",
        "|---|---|---|---|---|---|",
    ]
    for record in records:
        rows = {r["controller"]: r for r in record["rows"]}
        name = max((n for n in rows if not n.startswith("bc:")), key=lambda n: rows[n]["success_mean"])
        best_name, best = max(record["published"].items(), key=lambda item: item[1])
        bc = f"{rows['bc:policy']['success_mean']:.1f}" if "bc:policy" in rows else "not run"
        seeds = len(record["protocol"]["seeds"])
        spread = f" ± {rows[name]['success_std']:.1f}" if seeds > 1 else " (one seed)"
        lines.append(
            f"| {record['dataset']} | `{name}` {rows[name]['success_mean']:.1f}{spread} | "
            f"{bc} | {record['published']['GCBC']:.0f} | "
            f"{best_name} {best:.0f} | {seeds} |"
        )
    return [*lines, "", f"Every controller, the per-task rates, the sweeps and the notes: [the results page]({page})."]


def ogbench_answer(record: dict, folder: Path | None = None) -> str:
    """The headline's answer for one dataset: our best controller against the best published method."""
    rows = {r["controller"]: r for r in record["rows"] if not r["controller"].startswith("bc:")}
    name = max(rows, key=lambda n: rows[n]["success_mean"])
    best_name, best = max(record["published"].items(), key=lambda item: item[1])
    seeds = len(record["protocol"]["seeds"])
    return (f"`{name}` {rows[name]['success_mean']:.1f}% against the best published, {best_name} {best:.0f}% "
            f"({seeds} training seed{'s' if seeds > 1 else ''}, OGBench uses 8)")  # fmt: skip
