"""Report sections on planning quality: the ablation table, goal calibration and open-loop error by horizon."""

from __future__ import annotations

from benchmarks.reporting.tables import pct

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
        "### Does the latent space measure progress? (goal calibration, held-out episodes)",
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
    ]
