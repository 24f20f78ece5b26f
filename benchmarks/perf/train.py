"""`actjepa bench train`: training steps per second of the default reacher-size models (state, BC, pixels).

Timing does not depend on data values, so windows are synthetic random arrays of the reacher
task's shapes (the JSON says so). The timed step is world_model.training.train.train_step, the same
function `actjepa train` runs, without checkpoint or plot writing. With --nproc-per-node N the
ACT-JEPA model is also timed on N local processes, each on its share of every batch, as
`actjepa train --nproc-per-node N` trains it.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.io import ensure_writable
from actjepa.benchmarks.perf.measure import placeholder_stats
from actjepa.benchmarks.perf.planner_scaling import device_name
from actjepa.benchmarks.provenance import write_results_json

if TYPE_CHECKING:
    from actjepa.world_model.training.distributed import Shard


@dataclass(frozen=True)
class TrainBenchConfig:
    """What `bench train` measures and where it writes."""

    out: Path
    "JSON file to write."
    device: str = "cpu"
    "cpu or cuda."
    steps: int = 30
    "Timed training steps per model (after 3 untimed warm-up steps)."
    batch_size: int | None = None
    "Windows per step (default: the default training preset's)."
    force: bool = False
    "Overwrite an existing --out file."
    nproc_per_node: int = 1
    "Also time ACT-JEPA on this many local processes (one more row; 1 adds none). The batch must divide."
    pixels: bool = True
    """Also time ACT-JEPA on 64x64 RGB frames: the pixel step as it was, then with each cost cut added in turn up
    to the defaults (PIXEL_STEPS; four more rows)."""


PIXEL_SHAPE = (64, 64, 3)
"One pixel observation: a 64x64 RGB frame, as pixel datasets store it."


def _synthetic_obs(rng: np.random.Generator, shape: tuple[int, ...], pixels: bool) -> torch.Tensor:
    if pixels:
        return torch.as_tensor(rng.integers(0, 256, shape, dtype=np.uint8))
    return torch.as_tensor(rng.standard_normal(shape, dtype=np.float32))


def _synthetic_batch(
    rng: np.random.Generator,
    size: int,
    obs_shape: tuple[int, ...],
    action_dim: int,
    k: int,
    c: int,
    pixels: bool,
    run: int = 1,
) -> dict[str, torch.Tensor]:
    """A batch of the training sampler's form: runs of `run` windows of k context and c future steps, a goal and
    its distance per window."""
    runs, length = size // run, k + c + run - 1
    return {
        "obs": _synthetic_obs(rng, (runs, length, *obs_shape), pixels),
        "actions": torch.as_tensor(rng.uniform(-1, 1, (runs, length - 1, action_dim)).astype(np.float32)),
        "goal_obs": _synthetic_obs(rng, (size, *obs_shape), pixels),
        "goal_steps": torch.as_tensor(rng.integers(1, 100, size)),
    }


PIXEL_STEPS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "act-jepa on 64x64 pixels, previous step": (
        {"pixel_encoder": "strided", "cnn_channels": 32},
        {"windows_per_run": 1, "target_stride": 1},
    ),
    "act-jepa on 64x64 pixels, + patch CNN": ({}, {"windows_per_run": 1, "target_stride": 1}),
    "act-jepa on 64x64 pixels, + runs of windows": ({}, {"target_stride": 1}),
    "act-jepa on 64x64 pixels": ({}, {}),
}
"""The pixel step as it was (four-layer CNN of 32 channels, every window on its own, a target at every step),
then with each cost cut added in turn up to today's defaults: model and training fields by name, timed in one
run so that the rows compare on one machine (docs/pixels.md)."""


def measure(
    baseline: str,
    cfg: TrainBenchConfig,
    shard: Shard | None = None,
    pixels: bool = False,
    changes: tuple[dict[str, Any], dict[str, Any]] = ({}, {}),
) -> dict[str, Any]:
    """Steps per second of one model kind at the default sizes (on this rank's share of each batch), on
    reacher's state vectors or on 64x64 frames; `changes` replaces model and training fields by name."""
    from actjepa.benchmarks.experiments.training import model_config_for
    from actjepa.envs import task_spec
    from actjepa.world_model import ActJepa
    from actjepa.world_model.training.config import preset
    from actjepa.world_model.training.distributed import SINGLE
    from actjepa.world_model.training.run_start import data_parallel, has_unused_parameters
    from actjepa.world_model.training.train import make_optimizer, train_step

    shard = shard or SINGLE

    spec = task_spec("reacher")
    tcfg = preset("default", device=cfg.device, batch_size=cfg.batch_size, steps=cfg.steps + 3, **changes[1])
    obs_shape = PIXEL_SHAPE if pixels else spec.obs_shape
    obs_mode = "pixels" if pixels else "state"
    mcfg = model_config_for(obs_shape, spec.action_dim, obs_mode, baseline=baseline, **changes[0])
    stats = placeholder_stats(pixels, spec.obs_shape[0], spec.action_dim)
    device = torch.device(cfg.device)
    torch.manual_seed(0)
    model = ActJepa(mcfg, stats).to(device).train()
    optimizer = make_optimizer(model, tcfg)
    generator = torch.Generator().manual_seed(0)
    rng = np.random.default_rng(0)
    future = tcfg.window_future(mcfg.chunk_len)
    shapes = (obs_shape, spec.action_dim, mcfg.context_len, future, pixels, tcfg.optim.runs_for(obs_mode))
    global_batches = [_synthetic_batch(rng, tcfg.optim.batch_size, *shapes) for _ in range(4)]
    batches = [{k: v.to(device) for k, v in shard.take(b, tcfg.optim.batch_size).items()} for b in global_batches]
    loss = data_parallel(model, shard, has_unused_parameters(model, batches[0])) if shard.distributed else None
    for step in range(3):
        train_step(model, optimizer, batches[step % 4], tcfg, step, generator, loss)
    _synchronize(device, shard)
    start = time.perf_counter()
    for step in range(3, 3 + cfg.steps):
        train_step(model, optimizer, batches[step % 4], tcfg, step, generator, loss)
    _synchronize(device, shard)
    seconds = time.perf_counter() - start
    return {
        "baseline": baseline,
        "processes": shard.world_size,
        "threads_per_process": torch.get_num_threads(),
        "steps_per_second": cfg.steps / seconds,
        "samples_per_second": cfg.steps * tcfg.optim.batch_size / seconds,
        "seconds_per_step": seconds / cfg.steps,
        "batch_size": tcfg.optim.batch_size,
        "default_steps": preset("default").steps,
        "minutes_for_default_steps": preset("default").steps * seconds / cfg.steps / 60.0,
        "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "predictor_flops_per_step": model.predictor.flops_per_step(),
        "gflop_per_step": _step_gflop(model, optimizer, batches[0], tcfg, generator, loss),
        "loss_settings": asdict(tcfg.loss),
        "model_config": mcfg.to_dict(),
    }


def _step_gflop(model, optimizer, batch, tcfg, generator, loss) -> float:
    """Floating-point operations of one training step (forward, backward, update) in GFLOP, by torch's counter."""
    from torch.utils.flop_counter import FlopCounterMode

    from actjepa.world_model.training.train import train_step

    with FlopCounterMode(display=False) as counter:
        train_step(model, optimizer, batch, tcfg, 0, generator, loss)
    return counter.get_total_flops() / 1e9


def _synchronize(device: torch.device, shard: Shard) -> None:
    """Wait for queued GPU work and for every rank, so a timer brackets whole steps of all processes."""
    if device.type == "cuda":
        torch.cuda.synchronize()
    if shard.distributed:
        import torch.distributed as dist

        dist.barrier()


def _measure_on_rank(cfg: TrainBenchConfig) -> dict[str, Any]:
    """measure('none') on the rank torch's launcher started this process as (the launch entry point)."""
    from actjepa.world_model.training.distributed import process_group, shard_from_env

    shard = shard_from_env()
    with process_group(shard, cfg.device):
        return measure("none", cfg, shard)


def measure_processes(cfg: TrainBenchConfig) -> dict[str, Any]:
    """ACT-JEPA's row on cfg.nproc_per_node local processes (rank 0's timing), with a note on the hardware."""
    from actjepa.benchmarks.launch import launch

    row = launch(cfg.nproc_per_node, _measure_on_rank, cfg)[0]
    n, cores = cfg.nproc_per_node, os.cpu_count() or 1
    if torch.device(cfg.device).type == "cuda":
        row["note"] = f"{n} processes, one GPU each"
    else:
        row["note"] = (
            f"{n} processes with {row['threads_per_process']} torch thread(s) each share this machine's {cores} "
            "CPU cores, the same cores the 1-process rows use: no hardware is added, so this row measures the "
            "cost of splitting each batch and averaging gradients, not the speed-up of more machines"
        )
    return row


def run(cfg: TrainBenchConfig) -> dict[str, Any]:
    """Measure ACT-JEPA and BC, write the JSON, return it."""
    if cfg.steps < 1:
        raise UserError(f"--steps must be at least 1, got {cfg.steps}")
    if cfg.device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for but no CUDA GPU is visible; use --device cpu")
    ensure_writable(cfg.out, cfg.force)
    results = {("act-jepa" if kind == "none" else "bc"): measure(kind, cfg) for kind in ("none", "bc")}
    if cfg.pixels:
        results.update({name: measure("none", cfg, pixels=True, changes=c) for name, c in PIXEL_STEPS.items()})
    if cfg.nproc_per_node > 1:
        results[f"act-jepa on {cfg.nproc_per_node} processes"] = measure_processes(cfg)
    payload = {
        "benchmark": "train",
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items()},
        "data": (
            "synthetic random windows with the reacher task's shapes, or 64x64 RGB frames for the pixel row "
            "(step time does not depend on values)"
        ),
        "device": cfg.device,
        "device_name": device_name(cfg.device),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "models": results,
    }
    write_results_json(cfg.out, payload, cfg.device)
    return payload


def summary(payload: dict[str, Any]) -> str:
    """One line per model: steps and samples per second and the minutes the default training takes."""
    return "\n".join(
        f"{name}: {r['steps_per_second']:.1f} steps/s ({r['samples_per_second']:.0f} samples/s) at batch "
        f"{r['batch_size']} ({r['minutes_for_default_steps']:.1f} min for {r['default_steps']} steps) "
        f"on {payload['device']}"
        for name, r in payload["models"].items()
    )
