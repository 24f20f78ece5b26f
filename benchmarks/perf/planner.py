"""`actjepa bench planner`: time per plan, eager and compiled side by side, and how it scales.

Every setting (N samples, H horizon, iterations, B episodes) is one plan (encode the observation, then
MPPI with the model's action head as prior), timed `repeats` times after one warm-up plan, once eagerly
and once compiled (planner/compilation.py) where torch.compile can run. The warm-up of the compiled
plan pays the compilation, which is reported apart. Floating-point operations per plan are counted from
the layer shapes (torch.utils.flop_counter), and the same run times torch.mm on exactly the matrix
shapes the plan multiplied: their ratio says how close the planner gets to this machine's matmul
throughput on its own layers. The scaling sweeps and their plot are in planner_scaling.py.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
from torch.utils.flop_counter import FlopCounterMode

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.controllers import controller_config
from actjepa.benchmarks.io import ensure_writable
from actjepa.benchmarks.perf.measure import MatmulShapes, PeakMemory, count, matmul_throughput, placeholder_stats, sync
from actjepa.benchmarks.provenance import write_results_json
from actjepa.planner import ControllerConfig, PlannerConfig, plan

Setting = tuple[int, int, int, int]
"(num_samples, horizon, iterations, batch) of one measured plan."

DEFAULT_BUDGET = (PlannerConfig.num_samples, PlannerConfig.horizon, PlannerConfig.iterations)
"The budget evaluation uses by default, whose latency the targets judge."
TARGET_MS_PER_PLAN = 20.0
"One plan at the default budget and B=1 within 20 ms: replanning every step at 50 Hz."
TARGET_MATMUL_RATIO = {1: 0.6, 16: 0.8}
"Least fraction of the machine's matmul FLOP/s (same shapes) that the planner reaches, by batch size B."


@dataclass
class PlannerBenchConfig:
    """What `actjepa bench planner` measures."""

    out: Path
    "JSON file to write (the scaling plot goes beside it, as .png)."
    device: str = "cpu"
    "Torch device to plan on ('cpu' or 'cuda')."
    checkpoint: Path | None = None
    "A trained checkpoint folder; by default an untrained model of the default reacher size."
    repeats: int = 5
    "Timed plans per setting and mode (after one warm-up plan)."
    replan_every: int = ControllerConfig.replan_every
    "Actions executed per plan: per-action latency = plan time / replan_every."
    threads: int | None = None
    "torch CPU threads; None keeps torch's default."
    compiled: bool = True
    "Also time the compiled planner beside the eager one (where torch.compile can run on this machine)."
    large_budget: tuple[int, int, int] = (4096, 32, 6)
    "(N, H, iterations) of one more setting, timed at B=1 after the sweeps: a GPU's working point."
    sweeps: bool = True
    "Sweep N, H and B one at a time from the default budget (off: time the default and the large budget only)."
    pixels: bool = True
    """Also time one plan at the default budget and B=1 with an untrained reacher model of the default pixel size
    (its k current 64x64 frames encoded in every plan), beside the state model's plan of the same setting."""
    force: bool = False
    "Overwrite an existing --out file."


PIXEL_TARGET_RATIO = 1.2
"A pixel plan at the default budget and B=1 takes at most this many times a state plan's time (same run)."


def default_model(device: str, pixels: bool = False) -> tuple[Any, dict]:
    """An untrained ActJepa of the default size for reacher, on its state vectors or on 64x64 frames as training
    builds it (planning cost does not depend on training)."""
    from actjepa import envs
    from actjepa.benchmarks.experiments.training import model_config_for
    from actjepa.world_model import ActJepa

    spec = envs.task_spec("reacher")
    obs_shape = (64, 64, 3) if pixels else spec.obs_shape
    stats = placeholder_stats(pixels, spec.obs_shape[0], spec.action_dim)
    cfg = model_config_for(obs_shape, spec.action_dim, "pixels" if pixels else "state")
    return ActJepa(cfg, stats).to(device).eval(), {"task": "reacher", "model_config": cfg.to_dict(), "trained": False}


def pixel_row(cfg: PlannerBenchConfig, rows: list[dict], timed_modes: tuple[str, ...]) -> dict[str, Any]:
    """The default-pixel model's plan at the default budget and B=1, per mode, and its time over the state
    model's plan of that setting in this run (rows)."""
    model, info = default_model(cfg.device, pixels=True)
    setting = (*DEFAULT_BUDGET, 1)
    work = arithmetic(model, setting, cfg)
    results = [measure(model, setting, mode, cfg, work) for mode in timed_modes]
    state = {r["mode"]: r for r in rows if (r["num_samples"], r["horizon"], r["iterations"], r["batch"]) == setting}
    ratio = {r["mode"]: r["plan_ms"]["median"] / state[r["mode"]]["plan_ms"]["median"] for r in results}
    return {
        "model": info,
        "results": results,
        "ratio_to_state_plan": ratio,
        "target_ratio": PIXEL_TARGET_RATIO,
        "met": all(value <= PIXEL_TARGET_RATIO for value in ratio.values()),
    }


def load(cfg: PlannerBenchConfig) -> tuple[Any, dict]:
    """The model to plan with and a description of it."""
    if cfg.checkpoint is None:
        return default_model(cfg.device)
    from actjepa.world_model import load_model

    model, info = load_model(cfg.checkpoint, device=cfg.device)
    return model.eval(), {"checkpoint": str(cfg.checkpoint), "task": info.get("task"), "trained": True}


def planner_config(budget: tuple[int, int, int], replan_every: int, compile: str | None = None) -> PlannerConfig:
    """The settings of `mppi+prior` at this budget, derived exactly as evaluation derives them (`compile`, if
    given, replaces the compile mode: the benchmark times both)."""
    num, horizon, iterations = budget
    control = ControllerConfig(
        planner=PlannerConfig(num_samples=num, horizon=horizon, iterations=iterations),
        replan_every=min(replan_every, horizon),
    )
    planner_cfg = controller_config(control, "mppi+prior").planner
    return planner_cfg if compile is None else replace(planner_cfg, compile=compile)


def _plan_fn(model: Any, setting: Setting, cfg: PlannerBenchConfig, compile: str):
    """A no-argument function that runs one plan of this setting (inputs fixed by seed 0)."""
    device = torch.device(cfg.device)
    num, horizon, iterations, batch = setting
    planner_cfg = planner_config((num, horizon, iterations), cfg.replan_every, compile)
    generator = torch.Generator().manual_seed(0)
    obs_shape = tuple(model.cfg.obs_shape)
    obs = torch.randn(batch, model.context_len, *obs_shape, generator=generator).to(device)
    goal = torch.randn(batch, *obs_shape, generator=generator).to(device)
    with torch.inference_mode():
        z_goal = model.encode_goal(goal)

    def one_plan() -> None:
        with torch.inference_mode():
            plan(model, model.encode(obs), z_goal, planner_cfg, prior=model, seeds=list(range(batch)))

    return one_plan


def _timed(fn, device: torch.device, repeats: int) -> tuple[float, list[float]]:
    """Seconds of the first (warm-up) call and of `repeats` further calls."""
    times = []
    for _ in range(repeats + 1):
        sync(device)
        start = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - start)
    return times[0], times[1:]


def arithmetic(model: Any, setting: Setting, cfg: PlannerBenchConfig) -> dict[str, Any]:
    """FLOPs of one plan and the machine's matmul FLOP/s on the plan's own matrix shapes (mode-independent)."""
    one_plan = _plan_fn(model, setting, cfg, "off")
    flops = count(one_plan, FlopCounterMode(display=False))
    shapes = MatmulShapes()
    with shapes:
        one_plan()
    mm = matmul_throughput(shapes.shapes, torch.device(cfg.device))
    return {
        "flops_per_plan": flops,
        "matmul_flop_per_s_same_shapes": mm["flop_per_s"],
        "matmul_shapes": [list(s) + [c] for s, c in sorted(shapes.shapes.items())],
    }


def measure(model: Any, setting: Setting, mode: str, cfg: PlannerBenchConfig, work: dict[str, Any]) -> dict[str, Any]:
    """Latency, compile time, memory and matmul efficiency of one setting in one mode ('eager' or 'compiled')."""
    from actjepa.planner.compilation import compile_seconds

    device = torch.device(cfg.device)
    num, horizon, iterations, batch = setting
    one_plan = _plan_fn(model, setting, cfg, "on" if mode == "compiled" else "off")
    compiled_before = compile_seconds(model)
    first, times = _timed(one_plan, device, cfg.repeats)
    with PeakMemory(device) as memory:  # a separate, untimed plan: sampling RSS costs CPU time
        one_plan()
    plan_ms = [t * 1e3 for t in times]
    median = statistics.median(plan_ms)
    stats = {"median": median, "min": min(plan_ms), "max": max(plan_ms)}
    achieved = work["flops_per_plan"] / (median / 1e3)
    return {
        "num_samples": num,
        "horizon": horizon,
        "iterations": iterations,
        "batch": batch,
        "mode": mode,
        "replan_every": cfg.replan_every,
        "plan_ms": stats,
        "ms_per_action": {k: v / cfg.replan_every for k, v in stats.items()},
        "first_plan_ms": first * 1e3,
        "compile_s": compile_seconds(model) - compiled_before,
        "us_per_sample_step": median * 1e3 / (num * horizon * iterations * batch),
        "peak_memory_mb": memory.peak_mb,
        "memory_increase_mb": max(0.0, memory.peak_mb - memory.base_mb),
        **work,
        "achieved_flop_per_s": achieved,
        "ratio_to_matmul": achieved / work["matmul_flop_per_s_same_shapes"],
    }


def modes(cfg: PlannerBenchConfig, model: Any) -> tuple[tuple[str, ...], str | None]:
    """The modes this run times, and why 'compiled' is missing when it is."""
    from actjepa.planner.compilation import compile_reason

    if not cfg.compiled:
        return ("eager",), "not asked for (--no-compiled)"
    reason = compile_reason(planner_config(DEFAULT_BUDGET, cfg.replan_every, "on"), torch.device(cfg.device), model)
    return (("eager", "compiled"), None) if reason is None else (("eager",), reason)


def run(cfg: PlannerBenchConfig) -> dict[str, Any]:
    """Measure every setting in every mode, print the tables, write the JSON and the plot atomically."""
    from actjepa.benchmarks.perf import planner_scaling as scaling

    if cfg.device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for but torch sees no CUDA device; use --device cpu")
    if cfg.repeats < 1 or cfg.replan_every < 1:
        raise UserError("--repeats and --replan-every must be at least 1")
    ensure_writable(cfg.out, cfg.force)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    model, info = load(cfg)
    timed_modes, missing = modes(cfg, model)
    rows = []
    for setting in scaling.settings(cfg.large_budget, cfg.sweeps):
        work = arithmetic(model, setting, cfg)
        rows.extend(measure(model, setting, mode, cfg, work) for mode in timed_modes)
    payload = {
        "model": info,
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items() if k != "force"},
        "torch_threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "device_name": scaling.device_name(cfg.device),
        "planner": "mppi with the model's action head as prior (mppi+prior)",
        "modes": list(timed_modes),
        "compiled_missing": missing,
        "results": rows,
        "scaling": scaling.sweeps(rows),
        "targets": scaling.targets(rows, DEFAULT_BUDGET, TARGET_MS_PER_PLAN, TARGET_MATMUL_RATIO),
        "large_budget": scaling.at_budget(rows, cfg.large_budget),
    }
    if cfg.pixels:
        payload["pixels"] = pixel_row(cfg, rows, timed_modes)
    print(scaling.format_table(rows))
    if cfg.pixels:
        ratios = ", ".join(f"{m} {r:.2f}x" for m, r in payload["pixels"]["ratio_to_state_plan"].items())
        print(f"pixel plan at N={DEFAULT_BUDGET[0]} H={DEFAULT_BUDGET[1]} B=1 over the state plan: {ratios}")
    print(scaling.summary_line(payload))
    write_results_json(cfg.out, payload, cfg.device)
    scaling.plot(payload, cfg.out.with_suffix(".png"))
    return payload
