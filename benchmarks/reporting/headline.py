"""The README's headline table: one row per task and question, each answer drawn from its results file.

Each row names a results file of the folder; its answer is a function of that file, and its link points at the
file's section of the results page. A row whose file is missing says "not run yet" and links to its group's
section. To add a row, add a `HeadlineRow` to HEADLINE_ROWS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from actjepa.benchmarks.ogbench.published import PUBLISHED
from actjepa.benchmarks.reporting.ogbench import ogbench_answer
from actjepa.benchmarks.reporting.tables import pct

OGBENCH_DATASETS = tuple(PUBLISHED)
"OGBench datasets the headline reports, one row each: those with published numbers."

CONTROLLER_ORDER = ("mppi+prior", "policy", "mppi", "oracle", "bc:policy", "zero", "random")
"Controllers a controllers row names, in this order, where its file has them."


def controllers_answer(result: dict, folder: Path) -> str:
    """'`mppi+prior` 100.0%, `policy` 100.0%, ... (50 test episodes per seed, 1 training seed)'."""
    from actjepa.benchmarks.evaluation.baselines import BASELINES_FILE
    from actjepa.benchmarks.reporting.sections import with_baselines

    baselines = folder / BASELINES_FILE
    result = with_baselines(result, json.loads(baselines.read_text()) if baselines.exists() else None)
    rows = result["controllers"]
    named = ", ".join(f"`{c}` {pct(rows[c]['success_rate'])}" for c in CONTROLLER_ORDER if c in rows)
    seeds = len(result.get("training_seeds") or [0])
    split = result["evaluation_seeds"].get("split", "test")
    solved = result.get("solved_at_start_rate")
    start = f"; solved at the start: {pct(solved)}" if solved is not None else ""
    return (
        f"{named} ({result['episodes']} {split} episodes per seed, {seeds} training seed{'s' if seeds > 1 else ''}"
        f"{start})"
    )


def regimes_answer(result: dict, folder: Path) -> str:
    """Where `mppi+prior` and the policy differ most, and in how many regimes planning leads."""
    cells = {(r["regime"], r["controller"]): r["success_rate"] for r in result["rows"]}
    regimes = list(dict.fromkeys(r["regime"] for r in result["rows"]))
    pairs = [(g, cells[(g, "mppi+prior")], cells[(g, "policy")]) for g in regimes if (g, "policy") in cells]
    pairs = [p for p in pairs if p[1] is not None]
    ahead = [p for p in pairs if p[1] > p[2]]
    widest = max(pairs, key=lambda p: p[1] - p[2])
    return (
        f"`mppi+prior` ahead of the policy in {len(ahead)} of {len(pairs)} regimes; largest lead: {widest[0]} "
        f"({pct(widest[1])} against {pct(widest[2])})"
    )


def efficiency_answer(result: dict, folder: Path) -> str:
    """ACT-JEPA's policy against BC's at each demonstration count."""
    jepa, bc = result["curves"]["act-jepa policy"], result["curves"]["bc policy"]
    points = "; ".join(
        f"{p['demonstrations']}: {pct(p['success_rate'])} against {pct(q['success_rate'])}"
        for p, q in zip(jepa, bc, strict=True)
    )
    return f"policy success, ACT-JEPA against BC, by demonstrations: {points}"


def planner_speed_answer(result: dict, folder: Path) -> str:
    """Default-budget plan time at B=1 and the machine it was measured on."""
    t = result["targets"]
    return (
        f"{t['ms_per_plan_b1']:.1f} ms per plan ({t['ms_per_action_b1']:.2f} ms per action, {t['mode']}) at "
        f"(N, H, iterations) = {tuple(t['default_budget'])}, on {result['device_name']}"
    )


PIXEL_BENCH_ROW = "act-jepa on 64x64 pixels"
"The bench train row of the default pixel model."


def training_speed_answer(result: dict, folder: Path) -> str:
    """Minutes for the default training steps of the state model, and of the pixel model where it was timed."""
    row = result["models"]["act-jepa"]
    pixels = result["models"].get(PIXEL_BENCH_ROW)
    pixel_part = f", {pixels['minutes_for_default_steps']:.1f} min of the 64x64-pixel model" if pixels else ""
    return (
        f"{row['minutes_for_default_steps']:.1f} min for the default {row['default_steps']} steps of the state model"
        f"{pixel_part}, on {result.get('device_name', result['device'])}"
    )


@dataclass(frozen=True)
class HeadlineRow:
    """One row: a task, the question, and the results file whose answer it shows."""

    task: str
    question: str
    file: str
    "Results file, relative to the results folder."
    answer: Callable[[dict, Path], str]
    "(result, its folder) -> the answer's text."


HEADLINE_ROWS = (
    HeadlineRow("reacher", "planning against the policy", "results.json", controllers_answer),
    HeadlineRow("maze", "planning against the policy", "maze/results.json", controllers_answer),
    HeadlineRow("push", "planning against the policy", "push/results.json", controllers_answer),
    HeadlineRow("reacher", "when planning beats the policy (data regimes)", "regimes/reacher.json", regimes_answer),
    HeadlineRow("maze", "when planning beats the policy (data regimes)", "regimes/maze.json", regimes_answer),
    HeadlineRow("reacher", "data efficiency", "efficiency/data_efficiency.json", efficiency_answer),
    HeadlineRow("push", "data efficiency", "efficiency-push/data_efficiency.json", efficiency_answer),
    *(
        HeadlineRow("OGBench", f"{name} (official protocol)", f"ogbench/{name}.json", ogbench_answer)
        for name in OGBENCH_DATASETS
    ),
    HeadlineRow("reacher", "from 64x64 pixels (3000 steps)", "pixels-runs/results.json", controllers_answer),
    HeadlineRow(
        "reacher", "from 64x64 pixels, the step before (3000 steps)", "pixels-default/results.json", controllers_answer
    ),
    HeadlineRow("planner", "speed on the CPU", "bench_planner.json", planner_speed_answer),
    HeadlineRow("planner", "speed on a GPU", "gpu/bench_planner.json", planner_speed_answer),
    HeadlineRow("training", "speed on the CPU", "bench_train.json", training_speed_answer),
)
"The headline table's rows, in order."


def headline_markdown(folder: Path, page: str, anchors: dict[Path, str]) -> str:
    """The table: task, question, answer and a link to the result's section of `page` (the results page)."""
    lines = ["| task | question | result | details |", "|---|---|---|---|"]
    for row in HEADLINE_ROWS:
        path = Path(folder) / row.file
        if path.is_file():
            answer = row.answer(json.loads(path.read_text()), path.parent)
            anchor = anchors.get(path, "")
        else:
            answer, anchor = "not run yet", anchors.get(Path(row.file), anchors.get(Path(row.file).parent, ""))
        link = f"[{Path(row.file).parent.as_posix() if '/' in row.file else 'results'}]({page}#{anchor})"
        lines.append(f"| {row.task} | {row.question} | {answer} | {link} |")
    return "\n".join(lines)
