"""Report sections on planning quality: the ablation table, goal calibration and open-loop error by horizon."""

from __future__ import annotations

from actjepa.benchmarks.experiments.targets import TRAINING_STEPS_TARGET
from actjepa.benchmarks.reporting.tables import pct

OPEN_LOOP_STEPS = (1, 8, 16, 32)
"Rollout steps the open-loop table reports (those within the measured horizon)."


def _cell(entry: dict | None) -> str:
    if not entry:
        return "–"
    lo, hi = entry["success_ci95"]
    return f"{pct(entry['success_rate'])} [{pct(lo)}, {pct(hi)}]"


def ablation_section(ablation: dict, figure_prefix: str = "") -> list[str]:
    """One row per change, switched on in order; success of the policy and of mppi+prior with intervals."""
    rows = ["| row | adds | `policy` | `mppi+prior` |", "|---|---|---|---|"]
    for row in ablation["rows"]:
        ctrl = row["controllers"]
        rows.append(
            f"| {row['name']} | {row['adds']} | {_cell(ctrl.get('policy'))} | {_cell(ctrl.get('mppi+prior'))} |"
        )
    steps = ablation.get("train_steps") or f"the '{ablation.get('preset')}' preset's"
    return [
        f"### Ablation on {ablation['task']}: what each planning-quality change buys",
        "",
        f"Each row adds one change to the row above (the first row is the model and planner before the changes; "
        f"the last is today's defaults). {ablation['episodes']} held-out episodes per cell "
        f"({ablation.get('split', 'test')} split), one training seed, {steps} training steps; 95% Wilson intervals.",
        "",
        "\n".join(rows),
        "",
    ]


def calibration_section(calibration: dict, figure_prefix: str = "") -> list[str]:
    """Rank correlation of latent distance and learned value with the true goal distance, with the scatter plot."""
    lines = [f"- latent L2 distance: Spearman {calibration['latent_l2_spearman']:.2f} against the true goal distance"]
    if "latent_l2_steps_spearman" in calibration:
        lines[-1] += f", {calibration['latent_l2_steps_spearman']:.2f} against the demonstrations' steps to success"
    if "value_spearman" in calibration:
        line = f"- learned value: Spearman {calibration['value_spearman']:.2f} against the true goal distance"
        if "value_steps_spearman" in calibration:
            line += f", {calibration['value_steps_spearman']:.2f} against the demonstrations' steps to success"
        lines.append(line)
    return [
        f"### Does the latent space measure progress{' on ' + calibration['task'] if calibration.get('task') else ''}? "
        "(goal calibration, held-out episodes)",
        "",
        f"{calibration['points']} states of held-out demonstrations, each against its episode's goal observation.",
        "",
        *lines,
        "",
        f"![goal calibration]({figure_prefix}jepa_calibration.png)",
        "",
    ]


def open_loop_section(open_loop: dict, figure_prefix: str = "") -> list[str]:
    """Open-loop latent error of each model at 1/8/16/32 steps, against copying the last latent."""
    steps = [h for h in OPEN_LOOP_STEPS if h <= len(next(iter(open_loop["models"].values()))["model"])]
    head = "| model | " + " | ".join(f"error at {h}" for h in steps) + f" | copy-last at {steps[-1]} |"
    rows = [head, "|---" * (len(steps) + 2) + "|"]
    for label, curve in open_loop["models"].items():
        cells = " | ".join(f"{curve['model'][h - 1]:.3f}" for h in steps)
        rows.append(f"| {label} | {cells} | {curve['copy_last'][steps[-1] - 1]:.3f} |")
    return [
        "### Open-loop latent prediction (held-out episodes)",
        "",
        f"![open-loop error]({figure_prefix}open_loop.png)",
        "",
        "Errors are divided by the mean distance between latents of random windows (1.0 = uninformative).",
        "",
        "\n".join(rows),
        "",
    ]


def training_steps_section(result: dict, figure_prefix: str = "") -> list[str]:
    """Success of each controller against the model's training length."""
    names = list(result["points"][0]["controllers"])
    rows = ["| training steps | " + " | ".join(f"`{n}`" for n in names) + " |", "|---" * (len(names) + 1) + "|"]
    for point in result["points"]:
        rows.append(f"| {point['steps']} | " + " | ".join(_cell(point["controllers"][n]) for n in names) + " |")
    return [
        f"### Planning success against training steps on {result['task']}",
        "",
        f"One model per training length (each with its own learning-rate schedule, '{result['preset']}' preset "
        f"otherwise), {result['episodes']} held-out episodes per cell ({result.get('split', 'test')} split).",
        "",
        f"![success against training steps]({figure_prefix}training_steps.png)",
        "",
        "\n".join(rows),
        "",
        *_steps_target(result),
    ]


def _steps_target(result: dict) -> list[str]:
    decided = TRAINING_STEPS_TARGET.decide(result["points"])
    if decided is None:
        return []
    text, met = decided
    return ["Target decided by this table:", "", f"- {text}: **{'met' if met else 'missed'}**", ""]


def regularizer_section(sweep: dict, figure_prefix: str = "") -> list[str]:
    """One row per anti-collapse setting: embedding health, latent calibration, open-loop error and success."""
    names = list(sweep["rows"][0]["controllers"])
    head = (
        "| regularizer | embedding std | effective rank | regularizer loss | Spearman: distance | Spearman: steps "
        "| open-loop at 16 | " + " | ".join(f"`{n}`" for n in names) + " |"
    )
    rows = [head, "|---" * (7 + len(names)) + "|"]
    for row in sweep["rows"]:
        cal, ctrl = row["calibration"], row["controllers"]
        cells = [
            row["name"],
            f"{row['emb_std']:.2f}",
            f"{row['eff_rank']:.1f}",
            f"{row['final_losses'].get('regularizer', float('nan')):.3f}",
            f"{cal.get('latent_l2_spearman', float('nan')):.2f}",
            f"{cal.get('latent_l2_steps_spearman', float('nan')):.2f}",
            f"{row['open_loop'].get('16', float('nan')):.3f}",
            *(_cell(ctrl.get(n)) for n in names),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return [
        f"### Anti-collapse term on {sweep['task']}: which regularizer, at which weight",
        "",
        f"One model per row (training seed {sweep['seed']}, {sweep['train_steps']} training steps), everything "
        "else at "
        f"the defaults. {sweep['episodes']} held-out episodes per cell ({sweep['split']} split). Embedding std "
        "and effective rank (of 64) at the end of training; Spearman correlations of latent L2 distance to the "
        "goal with the true goal distance and with the demonstrations' remaining steps; open-loop error as a "
        "fraction of the latent spread (held-out episodes).",
        "",
        "\n".join(rows),
        "",
        *_regularizer_verdict(sweep, names),
    ]


def _regularizer_verdict(sweep: dict, names: list[str]) -> list[str]:
    """Per controller: today's default setting against the sweep's best row ([] if the default was not swept)."""
    from actjepa.benchmarks.experiments.regularizer_sweep import default_variant

    default = default_variant().name
    rows = {row["name"]: row for row in sweep["rows"]}
    if default not in rows:
        return []
    lines = [f"Today's default ({default}) against the best row of each column:", ""]
    for name in names:
        best = max(rows.values(), key=lambda row: row["controllers"][name]["success_rate"])
        ours, top = rows[default]["controllers"][name], best["controllers"][name]
        gap = 100 * (top["success_rate"] - ours["success_rate"])
        inside = ours["success_ci95"][1] >= top["success_rate"]
        lines.append(
            f"- `{name}`: default {pct(ours['success_rate'])}, best {best['name']} {pct(top['success_rate'])} "
            f"({gap:.1f} points higher, {'inside' if inside else 'above'} the default's 95% interval)"
        )
    return [*lines, ""]
