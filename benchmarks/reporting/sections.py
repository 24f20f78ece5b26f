"""The sections of the report, one function per results file; every number and mark comes from JSON."""

from __future__ import annotations

from pathlib import Path

from actjepa.benchmarks.experiments.targets import (
    EFFICIENCY_TARGET,
    HORIZON_TARGET,
    PLANNER_MS_PER_ACTION,
    controller_targets,
)
from actjepa.benchmarks.reporting.tables import controllers_table, data_efficiency_table, num, pct, sweep_table

TRIVIAL_SUCCESS_LIMIT = 0.05
"Success of the zero action above which a controller table says its task is partly solved without acting."


def _mark(met: bool) -> str:
    return "met" if met else "missed"


def horizon_section(horizon: dict, figure_prefix: str = "") -> list[str]:
    """Figure and table of the horizon sweep."""
    replan = horizon.get("base_settings", {}).get("replan_every")
    every = f"min({replan}, H)" if replan is not None else "at most H"
    return [
        "### Success against planning horizon",
        "",
        f"![success and ms per action against planning horizon]({figure_prefix}horizon.png)",
        "",
        f"{horizon['episodes']} held-out episodes per point, run side by side (ms per action is for the "
        f"whole batch); replanning every {every} steps; policy and oracle from the controller comparison of the "
        "same run.",
        "",
        sweep_table(horizon, "horizon"),
        "",
        *horizon_targets_markdown(horizon),
    ]


def horizon_targets_markdown(horizon: dict) -> list[str]:
    """The horizon-sweep targets that this sweep decides, each marked met or missed."""
    points = horizon["planners"].get(HORIZON_TARGET.controller, [])
    decided = HORIZON_TARGET.decide(horizon.get("task", ""), points)
    lines = [f"- {text}: **{_mark(met)}**" for text, met in decided]
    return ["Targets decided by this table:", "", *lines, ""] if lines else []


def budget_section(budget: dict, figure_prefix: str = "") -> list[str]:
    """Figure and table of the sample-budget sweep."""
    base = budget.get("base_settings", {})
    return [
        "### Success against sample budget" + (f" on {budget['task']}" if budget.get("task") else ""),
        "",
        f"![success against samples]({figure_prefix}budget.png)",
        "",
        f"{budget['episodes']} held-out episodes per point, run side by side (ms per action is for the whole batch); "
        f"H={base.get('horizon', '?')}, {base.get('iterations', '?')} iterations, replanning every "
        f"{base.get('replan_every', '?')} steps; the policy from the comparison of the same model.",
        "",
        sweep_table(budget, "num_samples"),
        "",
    ]


def training_data(protocol: dict | None) -> str:
    """What the models of a protocol run were trained on, in words ('' without a protocol.json)."""
    if not protocol:
        return ""
    p = protocol["protocol"]
    steps = f", {p['train']['steps']} steps" if p["train"].get("steps") else ""
    batch = f", batch {p['train']['batch_size']}" if p["train"].get("batch_size") else ""
    if p["train"].get("image_shift"):
        batch += f", frames shifted at random by up to {p['train']['image_shift']} pixels"
    if p["train"].get("obs_noise"):
        batch += f", Gaussian noise of std {p['train']['obs_noise']:g} on the normalised context states"
    frames = " as 64x64 frames (goals are images)" if p.get("obs_mode") == "pixels" else ""
    return (
        f"Models trained on {p['demonstrations']} expert demonstrations of {p['task']}{frames} (action noise "
        f"{p['noise']:g}, data seed {p['collect_seed']}) with the '{p['train']['preset']}' training preset{steps}"
        f"{batch}. "
    )


def controllers_section(
    results: dict, figure_prefix: str = "", protocol: dict | None = None, baselines: dict | None = None
) -> list[str]:
    """Heading, training data, settings, table, what no model scores, targets and bar chart of one results.json.

    baselines: baselines.json beside an older results.json (`actjepa baselines`), whose zero and random rows
    join the table."""
    results = with_baselines(results, baselines)
    settings = results["settings"]
    seeds = results["evaluation_seeds"]
    pixels = results.get("obs_mode") == "pixels"
    parts = [
        f"### Controllers on {results['task']}"
        + (" from 64x64 pixels" if pixels else "")
        + _trained(results, protocol),
        "",
        training_data(protocol) + f"{results['episodes']} held-out episodes ({seeds.get('split', 'test')} split, "
        f"seeds {seeds['first']}–{seeds['last']}), "
        f"N={settings['num_samples']}, H={settings['horizon']}, {settings['iterations']} iterations, replanning "
        f"every {settings['replan_every']} steps, {settings['batch_size']} episodes side by side, "
        f"{results.get('torch_threads', '?')} CPU threads. Success: the task's rule holds at the final step.",
        "",
        controllers_table(results),
        "",
    ]
    if results.get("notes"):
        parts += [results["notes"], ""]
    parts += without_a_model(results)
    if baselines:
        from actjepa.benchmarks.reporting.sources import source_line

        link = f"{figure_prefix}baselines.json"
        parts += [
            "`zero` and `random` were evaluated later on the same episodes. "
            + source_line(Path(link), baselines, link),
            "",
        ]
    parts += targets_markdown(results)
    parts += [f"![success per controller]({figure_prefix}controllers.png)", ""]
    return parts


def with_baselines(results: dict, baselines: dict | None) -> dict:
    """results.json with the rows of its baselines.json that it does not have itself (and their solved-at-start
    fraction where it recorded none)."""
    if not baselines:
        return results
    extra = {k: v for k, v in baselines["controllers"].items() if k not in results["controllers"]}
    merged = {**results, "controllers": {**results["controllers"], **extra}}
    if merged.get("solved_at_start_rate") is None:
        merged["solved_at_start_rate"] = baselines.get("solved_at_start_rate")
    return merged


def without_a_model(results: dict) -> list[str]:
    """What the task scores with no model (zero and random actions) and how many episodes start solved; a task
    that doing nothing solves more than TRIVIAL_SUCCESS_LIMIT of the time, or whose starts are solved, is said
    to be so in bold."""
    controllers, solved = results["controllers"], results.get("solved_at_start_rate")
    said = [f"`{name}` {pct(controllers[name]['success_rate'])}" for name in ("zero", "random") if name in controllers]
    if not said and solved is None:
        return []
    text = ("Without a model: " + ", ".join(said) + ". ") if said else ""
    if solved is not None:
        text += f"Episodes already solved at the first step: {pct(solved)}."
    zero = controllers.get("zero", {}).get("success_rate", 0.0)
    if zero > TRIVIAL_SUCCESS_LIMIT or (solved or 0.0) > 0.0:
        text += (
            f" **On these episodes {results['task']} is partly solved without acting; read the table against that.**"
        )
    else:
        text += f" {results['task'].capitalize()} is not solved by doing nothing on these episodes."
    return [text.strip(), ""]


def _trained(results: dict, protocol: dict | None) -> str:
    """' (PRESET preset, K training seeds)' where the protocol is known: tables of one task then differ in their
    headings as they do in their training."""
    if not protocol:
        return ""
    seeds = len(results.get("training_seeds") or protocol["protocol"].get("seeds") or [0])
    return f" ('{protocol['protocol']['train']['preset']}' preset, {seeds} training seed{'s' if seeds > 1 else ''})"


def targets_markdown(results: dict) -> list[str]:
    """The comparison targets that one results.json can decide, each marked met or missed."""
    decided = controller_targets(results.get("task"), results["controllers"], results.get("obs_mode", "state"))
    lines = [f"- {text}: **{_mark(met)}**" for text, met in decided]
    return ["Targets decided by this table:", "", *lines, ""] if lines else []


def _efficiency_training(result: dict) -> str:
    """How long each data-efficiency model trained, as far as its JSON says."""
    preset, steps = result.get("train_preset"), result.get("train_steps")
    if steps:
        return f", {steps} optimizer steps" + (f" (the '{preset}' preset's other settings)" if preset else "")
    return f", with the '{preset}' training preset" if preset else ""


def efficiency_section(result: dict, figure_prefix: str = "") -> list[str]:
    """Data-efficiency figure, table and the ACT-JEPA-against-BC comparison it decides."""
    parts = [
        f"### Data efficiency on {result['task']}: ACT-JEPA against behaviour cloning",
        "",
        f"{len(result['seeds'])} training seeds per point, {result['episodes_per_seed']} held-out episodes per "
        f"seed ({result.get('split', 'test')} split), pooled into one Wilson interval; each seed trains both models "
        "on the same random subset" + _efficiency_training(result) + ".",
        "",
        f"![success against demonstrations]({figure_prefix}data_efficiency.png)",
        "",
        data_efficiency_table(result),
        "",
    ]
    jepa, bc = result["curves"].get("act-jepa policy"), result["curves"].get("bc policy")
    if jepa and bc:
        lines = []
        reported = result.get("split", "test") == "test"  # targets are decided on the test split only
        for p, q in zip(jepa, bc, strict=True):
            lead = p["success_rate"] - q["success_rate"]
            met = EFFICIENCY_TARGET.decide(p["demonstrations"], lead) if reported else None
            target = "" if met is None else f"; target +{100 * EFFICIENCY_TARGET.lead:.0f}: **{_mark(met)}**"
            lines.append(
                f"- {p['demonstrations']} demonstrations: ACT-JEPA policy {pct(p['success_rate'])} "
                f"against BC {pct(q['success_rate'])} ({100 * lead:+.1f} points{target})"
            )
        parts += ["ACT-JEPA against BC as pure policies:", "", *lines, ""]
    return parts


def bench_planner_section(planner: dict) -> list[str]:
    """Tables, scaling verdicts and targets of `actjepa bench planner`."""
    from actjepa.benchmarks.perf.planner_scaling import format_table, large_budget_text

    t = planner["targets"]
    ratios = "; ".join(
        f"B={b}: **{t['matmul_ratio'][b]:.2f}** (target ≥ {t['matmul_ratio_targets'][b]:g}: "
        f"{_mark(t['matmul_ratio_met'][b])})"
        for b in t["matmul_ratio"]
    )
    verdicts = [
        f"- {name}, {mode}: {entry[mode]['verdict']}"
        for name, entry in planner.get("scaling", {}).items()
        for mode in planner.get("modes", [])
        if mode in entry
    ]
    missing = planner.get("compiled_missing")
    gpu = planner["settings"]["device"].startswith("cuda")
    return [
        "### Planner speed on a GPU (`actjepa bench planner --device cuda`)"
        if gpu
        else "### Planner speed (`actjepa bench planner`)",
        "",
        f"{planner['planner']}, {planner['model'].get('task')} model, on {planner['device_name']} with "
        f"{planner['torch_threads']} torch thread(s); replan every {planner['settings']['replan_every']} actions "
        "(per-action time is plan time divided by the actions executed per plan). 'compile s' is the time the "
        "compiled planner spent compiling, paid once per process and shape."
        + (f" The compiled planner was not timed: {missing}." if missing else ""),
        "",
        "```text",
        format_table(planner["results"]),
        "```",
        "",
        *([*verdicts, ""] if verdicts else []),
        f"Default budget {tuple(t['default_budget'])}, B=1, {t['mode']}: **{t['ms_per_plan_b1']:.1f} ms per plan**, "
        f"{t['ms_per_action_b1']:.2f} ms per action (target ≤ {t['ms_per_plan_target']:g} ms per plan: "
        f"{_mark(t['latency_met'])}; target ≤ {PLANNER_MS_PER_ACTION:g} ms per action: "
        f"{_mark(t['ms_per_action_b1'] <= PLANNER_MS_PER_ACTION)}). "
        f"Fraction of this machine's matmul throughput on the same shapes: {ratios}."
        + (f" Large budget {large_budget_text(planner['large_budget'])}." if planner.get("large_budget") else ""),
        "",
        *_pixel_plan_lines(planner.get("pixels")),
    ]


def _pixel_plan_lines(pixels: dict | None) -> list[str]:
    """The default pixel model's plan against the state plan of the same setting, where the run timed it."""
    if not pixels:
        return []
    times = ", ".join(
        f"{r['mode']} {r['plan_ms']['median']:.1f} ms ({pixels['ratio_to_state_plan'][r['mode']]:.2f}x the state plan)"
        for r in pixels["results"]
    )
    return [
        f"A plan of the default 64x64-pixel model (its frames encoded in every plan), same budget, B=1: {times} "
        f"(target ≤ {pixels['target_ratio']:g}x: {_mark(pixels['met'])}).",
        "",
    ]


def bench_train_section(train: dict) -> list[str]:
    """Table of `actjepa bench train`."""
    rows = [
        "| model | steps/s | samples/s | batch | minutes for the default steps | parameters |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in train["models"].items():
        rows.append(
            f"| {name} | {r['steps_per_second']:.1f} | {r['steps_per_second'] * r['batch_size']:.0f} | "
            f"{r['batch_size']} | {num(r['minutes_for_default_steps'], '{:.1f}')} | {r['parameters']:,} |"
        )
    notes = [f"{name}: {r['note']}." for name, r in train["models"].items() if r.get("note")]
    gpu = train["device"].startswith("cuda")
    return [
        "### Training speed on a GPU (`actjepa bench train --device cuda`)"
        if gpu
        else "### Training speed (`actjepa bench train`)",
        "",
        f"{train.get('device_name', train['device'])}, {train['threads']} torch thread(s); {train['data']}.",
        "",
        "\n".join(rows),
        "",
        *(line for note in notes for line in (note, "")),
    ]
