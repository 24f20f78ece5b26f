"""`actjepa bench train`: training steps per second of the default reacher-size state model and of BC.

Timing does not depend on data values, so windows are synthetic random arrays of the reacher
task's shapes (the JSON says so). The timed step is world_model.train.train_step, the same
function `actjepa train` runs, without checkpoint or plot writing.
"""

from __future__ import annotations

import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from benchmarks.errors import UserError
from benchmarks.io import ensure_writable, write_json_atomic


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


def _synthetic_batch(
    rng: np.random.Generator, size: int, obs_dim: int, action_dim: int, k: int, c: int
) -> dict[str, torch.Tensor]:
    return {
        "obs": torch.as_tensor(rng.standard_normal((size, k + c, obs_dim), dtype=np.float32)),
        "actions": torch.as_tensor(rng.uniform(-1, 1, (size, k + c - 1, action_dim)).astype(np.float32)),
        "goal_obs": torch.as_tensor(rng.standard_normal((size, obs_dim), dtype=np.float32)),
    }


def measure(baseline: str, cfg: TrainBenchConfig) -> dict[str, Any]:
    """Steps per second of one model kind at the default sizes."""
    from envs import task_spec
    from world_model import ActJepa, ModelConfig
    from world_model.train import make_optimizer, train_step
    from world_model.train_config import preset

    spec = task_spec("reacher")
    tcfg = preset("default", device=cfg.device, batch_size=cfg.batch_size, steps=cfg.steps + 3)
    mcfg = ModelConfig(obs_shape=spec.obs_shape, action_dim=spec.action_dim, baseline=baseline)
    stats = {
        "obs_mean": np.zeros(spec.obs_shape, np.float32),
        "obs_std": np.ones(spec.obs_shape, np.float32),
        "action_mean": np.zeros(spec.action_dim, np.float32),
        "action_std": np.ones(spec.action_dim, np.float32),
    }
    device = torch.device(cfg.device)
    torch.manual_seed(0)
    model = ActJepa(mcfg, stats).to(device).train()
    optimizer = make_optimizer(model, tcfg)
    generator = torch.Generator().manual_seed(0)
    rng = np.random.default_rng(0)
    batches = [
        {
            k: v.to(device)
            for k, v in _synthetic_batch(
                rng, tcfg.batch_size, spec.obs_shape[0], spec.action_dim, mcfg.context_len, mcfg.chunk_len
            ).items()
        }
        for _ in range(4)
    ]
    for step in range(3):
        train_step(model, optimizer, batches[step % 4], tcfg, step, generator)
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for step in range(3, 3 + cfg.steps):
        train_step(model, optimizer, batches[step % 4], tcfg, step, generator)
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return {
        "baseline": baseline,
        "steps_per_second": cfg.steps / seconds,
        "seconds_per_step": seconds / cfg.steps,
        "batch_size": tcfg.batch_size,
        "default_steps": preset("default").steps,
        "minutes_for_default_steps": preset("default").steps * seconds / cfg.steps / 60.0,
        "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "predictor_flops_per_step": model.predictor.flops_per_step(),
        "model_config": mcfg.to_dict(),
    }


def run(cfg: TrainBenchConfig) -> dict[str, Any]:
    """Measure ACT-JEPA and BC, write the JSON, return it."""
    if cfg.steps < 1:
        raise UserError(f"--steps must be at least 1, got {cfg.steps}")
    if cfg.device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for but no CUDA GPU is visible; use --device cpu")
    ensure_writable(cfg.out, cfg.force)
    results = [measure(kind, cfg) for kind in ("none", "bc")]
    payload = {
        "benchmark": "train",
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(cfg).items()},
        "data": "synthetic random windows with the reacher task's shapes (step time does not depend on values)",
        "device": cfg.device,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "machine": platform.processor() or platform.machine(),
        "models": {("act-jepa" if r["baseline"] == "none" else "bc"): r for r in results},
    }
    write_json_atomic(cfg.out, payload)
    return payload


def summary(payload: dict[str, Any]) -> str:
    """One line per model: steps per second and the minutes the default training takes."""
    return "\n".join(
        f"{name}: {r['steps_per_second']:.1f} steps/s at batch {r['batch_size']} "
        f"({r['minutes_for_default_steps']:.1f} min for {r['default_steps']} steps) on {payload['device']}"
        for name, r in payload["models"].items()
    )
