"""`actjepa bench planner`: planning latency, peak memory and matmul efficiency.

For each budget (N, H, iterations) and batch size B, one plan (encode the
observation, then MPPI with the model's action head as prior) is timed
`repeats` times. Floating-point operations per plan are counted from the
layer shapes (torch.utils.flop_counter); the same run times torch.mm on
exactly the matrix shapes the plan multiplied, so the ratio says how close
the planner gets to this machine's matmul throughput for its own layers.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from benchmarks.errors import UserError
from benchmarks.evaluation.controllers import controller_config
from benchmarks.io import ensure_writable, write_json_atomic
from benchmarks.perf.measure import MatmulShapes, PeakMemory, count, matmul_throughput, sync
from planner import ControllerConfig, PlannerConfig, plan

BUDGETS = ((256, 16, 4), (512, 16, 6), (1024, 32, 6))
BATCH_SIZES = (1, 16)
DEFAULT_BUDGET = (PlannerConfig.num_samples, PlannerConfig.horizon, PlannerConfig.iterations)
"The budget evaluation uses by default, whose latency the targets judge."
TARGET_MS_PER_ACTION = 20.0
TARGET_MATMUL_RATIO = 0.5


@dataclass
class PlannerBenchConfig:
    """What `actjepa bench planner` measures."""

    out: Path
    "JSON file to write."
    device: str = "cpu"
    "Torch device to plan on ('cpu' or 'cuda')."
    checkpoint: Path | None = None
    "A trained checkpoint folder; by default an untrained model of the default reacher size."
    repeats: int = 5
    "Timed plans per setting (after one warm-up plan)."
    replan_every: int = ControllerConfig.replan_every
    "Actions executed per plan: per-action latency = plan time / replan_every."
    threads: int | None = None
    "torch CPU threads; None keeps torch's default."
    force: bool = False
    "Overwrite an existing --out file."


def default_model(device: str) -> tuple[Any, dict]:
    """An untrained ActJepa of the default size for reacher (planning cost does not depend on training)."""
    import envs
    from world_model import ActJepa, ModelConfig

    spec = envs.task_spec("reacher")
    stat_len = spec.obs_shape[0]
    stats = {
        "obs_mean": np.zeros(stat_len),
        "obs_std": np.ones(stat_len),
        "action_mean": np.zeros(spec.action_dim),
        "action_std": np.ones(spec.action_dim),
    }
    cfg = ModelConfig(obs_shape=spec.obs_shape, action_dim=spec.action_dim)
    return ActJepa(cfg, stats).to(device).eval(), {"task": "reacher", "model_config": cfg.to_dict(), "trained": False}


def load(cfg: PlannerBenchConfig) -> tuple[Any, dict]:
    """The model to plan with and a description of it."""
    if cfg.checkpoint is None:
        return default_model(cfg.device)
    from world_model import load_model

    model, info = load_model(cfg.checkpoint, device=cfg.device)
    return model.eval(), {"checkpoint": str(cfg.checkpoint), "task": info.get("task"), "trained": True}


def planner_config(budget: tuple[int, int, int], replan_every: int) -> PlannerConfig:
    """The settings of `mppi+prior` at this budget, derived exactly as evaluation derives them."""
    num, horizon, iterations = budget
    control = ControllerConfig(
        planner=PlannerConfig(num_samples=num, horizon=horizon, iterations=iterations),
        replan_every=min(replan_every, horizon),
    )
    return controller_config(control, "mppi+prior").planner


def measure(model: Any, budget: tuple[int, int, int], batch: int, cfg: PlannerBenchConfig) -> dict[str, Any]:
    """Latency, memory, FLOPs and matmul efficiency of one (budget, batch) setting."""
    device = torch.device(cfg.device)
    num, horizon, iterations = budget
    planner_cfg = planner_config(budget, cfg.replan_every)
    generator = torch.Generator().manual_seed(0)
    obs_shape = tuple(model.cfg.obs_shape)
    obs = torch.randn(batch, model.context_len, *obs_shape, generator=generator).to(device)
    goal = torch.randn(batch, *obs_shape, generator=generator).to(device)
    with torch.inference_mode():
        z_goal = model.encode_goal(goal)

    def one_plan() -> None:
        with torch.inference_mode():
            plan(model, model.encode(obs), z_goal, planner_cfg, prior=model, seeds=list(range(batch)))

    one_plan()  # warm-up (and compilation on CUDA)
    times = []
    for _ in range(cfg.repeats):
        sync(device)
        start = time.perf_counter()
        one_plan()
        sync(device)
        times.append(time.perf_counter() - start)
    with PeakMemory(device) as memory:  # a separate, untimed plan: sampling RSS costs CPU time
        one_plan()
    flops = count(one_plan, FlopCounterMode(display=False))
    shapes = MatmulShapes()
    with shapes:
        one_plan()
    mm = matmul_throughput(shapes.shapes, device)
    plan_ms = [t * 1e3 for t in times]
    achieved = flops / statistics.median(times)
    return {
        "num_samples": num,
        "horizon": horizon,
        "iterations": iterations,
        "batch": batch,
        "replan_every": cfg.replan_every,
        "plan_ms": {"median": statistics.median(plan_ms), "min": min(plan_ms), "max": max(plan_ms)},
        "ms_per_action": {
            k: v / cfg.replan_every
            for k, v in {"median": statistics.median(plan_ms), "min": min(plan_ms), "max": max(plan_ms)}.items()
        },
        "peak_memory_mb": memory.peak_mb,
        "memory_increase_mb": max(0.0, memory.peak_mb - memory.base_mb),
        "flops_per_plan": flops,
        "achieved_flop_per_s": achieved,
        "matmul_flop_per_s_same_shapes": mm["flop_per_s"],
        "matmul_shapes": [list(s) + [c] for s, c in sorted(shapes.shapes.items())],
        "ratio_to_matmul": achieved / mm["flop_per_s"],
    }


def format_table(rows: list[dict[str, Any]]) -> str:
    """The human-readable summary printed after a run."""
    head = (
        f"{'N':>5} {'H':>3} {'it':>3} {'B':>3} | {'plan ms':>8} | {'ms/action med [min,max]':>24} | "
        f"{'peak MB (+plan)':>15} | {'GFLOP/plan':>10} | {'GFLOP/s':>8} | {'mm GFLOP/s':>10} | {'ratio':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        act = r["ms_per_action"]
        lines.append(
            f"{r['num_samples']:>5} {r['horizon']:>3} {r['iterations']:>3} {r['batch']:>3} | "
            f"{r['plan_ms']['median']:>8.1f} | {act['median']:>8.2f} [{act['min']:>6.2f},{act['max']:>7.2f}] | "
            f"{r['peak_memory_mb']:>7.0f} (+{r['memory_increase_mb']:>5.1f}) | "
            f"{r['flops_per_plan'] / 1e9:>10.3f} | {r['achieved_flop_per_s'] / 1e9:>8.1f} | "
            f"{r['matmul_flop_per_s_same_shapes'] / 1e9:>10.1f} | {r['ratio_to_matmul']:>5.2f}"
        )
    return "\n".join(lines)


def run(cfg: PlannerBenchConfig) -> dict[str, Any]:
    """Measure every setting, print the table and write the JSON atomically."""
    if cfg.device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for but torch sees no CUDA device; use --device cpu")
    if cfg.repeats < 1 or cfg.replan_every < 1:
        raise UserError("--repeats and --replan-every must be at least 1")
    ensure_writable(cfg.out, cfg.force)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    model, info = load(cfg)
    rows = [measure(model, budget, batch, cfg) for budget in BUDGETS for batch in BATCH_SIZES]
    default = next(
        r for r in rows if (r["num_samples"], r["horizon"], r["iterations"]) == DEFAULT_BUDGET and r["batch"] == 1
    )
    payload = {
        "model": info,
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items() if k != "force"},
        "torch_threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "device_name": torch.cuda.get_device_name(0) if cfg.device.startswith("cuda") else "cpu",
        "planner": "mppi with the model's action head as prior (mppi+prior)",
        "results": rows,
        "targets": {
            "default_budget": list(DEFAULT_BUDGET),
            "ms_per_action_target": TARGET_MS_PER_ACTION,
            "ms_per_action_b1": default["ms_per_action"]["median"],
            "latency_met": default["ms_per_action"]["median"] <= TARGET_MS_PER_ACTION,
            "matmul_ratio_target": TARGET_MATMUL_RATIO,
            "matmul_ratio_b1": default["ratio_to_matmul"],
            "matmul_ratio_met": default["ratio_to_matmul"] >= TARGET_MATMUL_RATIO,
        },
    }
    print(format_table(rows))
    print(
        f"default budget {DEFAULT_BUDGET}, B=1: {default['ms_per_action']['median']:.2f} ms/action "
        f"(target <= {TARGET_MS_PER_ACTION}), matmul ratio {default['ratio_to_matmul']:.2f} "
        f"(target >= {TARGET_MATMUL_RATIO}); replan_every={cfg.replan_every}, threads={torch.get_num_threads()}"
    )
    write_json_atomic(cfg.out, payload)
    return payload
