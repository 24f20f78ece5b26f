"""Training loop: sample windows, compute losses, step AdamW, update the EMA target, log, checkpoint.

The loop depends only on a `sample_batch(step, batch_size) -> dict` callable (the contract's
WindowSampler.batch, a pure function of the step), so a resumed run sees the same batches and,
with the optimizer and RNG state restored, produces the same numbers as an uninterrupted one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from actjepa_common import write_text_atomic
from world_model.checkpoint import (
    MODEL_FILE,
    check_state,
    load_trainer_state,
    read_info,
    read_tensors,
    save_checkpoint,
)
from world_model.config import ModelConfig
from world_model.device import check_device
from world_model.diagnostics import open_loop_error
from world_model.ema import ema_momentum, ema_update
from world_model.errors import WorldModelError
from world_model.memory import check_training_memory, is_out_of_memory
from world_model.metrics_log import METRICS_FILE, CollapseWarning, MetricsLog, progress_postfix
from world_model.model import ActJepa
from world_model.objective import LossOutput, compute_losses
from world_model.plots import plot_embedding_health, plot_loss_curves, plot_open_loop
from world_model.resume import check_resume, prepare_out_dir
from world_model.train_config import TrainConfig

__all__ = ["METRICS_FILE", "CollapseWarning", "TrainResult", "make_optimizer", "train", "train_step"]

SampleBatch = Callable[[int, int], dict[str, np.ndarray]]
HeldOut = Callable[[], tuple[np.ndarray, np.ndarray]]

MEMORY_PROBE_WINDOWS = 4
"Windows of the probe batch whose measured activations estimate a training batch's memory before step one."


@dataclass
class TrainResult:
    """What a finished (or already complete) run returns."""

    model: ActJepa
    step: int
    metrics: list[dict[str, Any]]
    open_loop: dict[str, Any] | None


@dataclass
class _Run:
    """The state a run trains: model, optimizer, masking generator, and the step it starts from."""

    model: ActJepa
    optimizer: torch.optim.Optimizer
    generator: torch.Generator
    device: torch.device
    start: int
    resumed: bool


def _batch_to_tensors(batch: dict[str, np.ndarray], step: int, device: torch.device) -> dict[str, torch.Tensor]:
    """Validate one sampled batch (non-empty, finite) and move it to the device."""
    missing = [k for k in ("obs", "actions", "goal_obs") if k not in batch]
    if missing:
        raise WorldModelError(f"the batch sampler returned no {missing}; it must follow the WindowSampler contract")
    out = {}
    for key in ("obs", "actions", "goal_obs", "goal_steps"):
        if key not in batch:  # goal_steps is optional: without it the value network is not trained
            continue
        arr = np.asarray(batch[key])
        if arr.shape[0] == 0:
            raise WorldModelError("the dataset yields no training windows; collect more or longer episodes")
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise WorldModelError(
                f"the batch at step {step} holds NaN or infinite {key}; "
                "clean the dataset (the last good checkpoint is kept)"
            )
        out[key] = torch.from_numpy(np.ascontiguousarray(arr)).to(device)
    return out


def _write_plots(out: Path, metrics: list[dict[str, Any]], model: ActJepa, title: str) -> None:
    if metrics:
        plot_loss_curves(metrics, out / "loss_curves.png", title=f"{title} training losses")
        plot_embedding_health(
            metrics, out / "embedding_health.png", model.latent_dim, title=f"{title} embedding health"
        )


def train_step(
    model: ActJepa,
    optimizer: torch.optim.Optimizer,
    batch: dict[str, torch.Tensor],
    cfg: TrainConfig,
    step: int,
    generator: torch.Generator,
) -> tuple[LossOutput, float]:
    """One optimisation step: losses, AdamW update with clipping, EMA target and action-scale updates.

    Returns the losses and the total as a float; a non-finite total leaves the model untouched.
    """
    for group in optimizer.param_groups:
        group["lr"] = cfg.lr_at(step) * group.get("lr_scale", 1.0)
    losses = compute_losses(model, batch, cfg.weights, generator)
    total = float(losses.total.detach())
    if not np.isfinite(total):
        return losses, total
    optimizer.zero_grad(set_to_none=True)
    losses.total.backward()
    torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], cfg.grad_clip)
    optimizer.step()
    with torch.no_grad():
        if model.target_encoder is not None:
            ema_update(model.target_encoder, model.encoder, ema_momentum(step, cfg.steps, cfg.ema_start, cfg.ema_end))
        model.action_scale.mul_(cfg.scale_momentum).add_(losses.action_abs_error, alpha=1.0 - cfg.scale_momentum)
    return losses, total


def make_optimizer(model: ActJepa, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW over every trainable parameter (the target encoder has none).

    The BC baseline's encoder gets its own group whose learning rate is scaled by
    cfg.bc_encoder_lr_scale (as ACT trains its backbone slower than its head): trained on the
    action loss alone at the full rate, its latents lose rank and the policy's precision.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    if not model.cfg.is_bc or cfg.bc_encoder_lr_scale == 1.0:
        return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    encoder = {id(p) for p in model.encoder.parameters()}
    groups = [
        {"params": [p for p in params if id(p) not in encoder], "lr_scale": 1.0},
        {"params": [p for p in params if id(p) in encoder], "lr_scale": cfg.bc_encoder_lr_scale},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, weight_decay=cfg.weight_decay)


def _start(
    model_cfg: ModelConfig,
    cfg: TrainConfig,
    norm_stats: dict[str, np.ndarray],
    out: Path,
    meta: dict[str, Any],
    resume: bool,
    force: bool,
    sample_batch: SampleBatch,
) -> _Run:
    """A fresh model, optimizer and generator, or those of the checkpoint in `out` when resuming.

    The device and the memory of a training batch are checked before the folder is touched.
    """
    device = check_device(cfg.device)
    torch.manual_seed(cfg.seed)
    model = ActJepa(model_cfg, norm_stats).to(device)
    probe = _batch_to_tensors(sample_batch(0, MEMORY_PROBE_WINDOWS), 0, device)
    check_training_memory(model, probe, cfg.batch_size, cfg.weights)
    resuming = prepare_out_dir(out, resume, force)
    run = _Run(model, make_optimizer(model, cfg), torch.Generator().manual_seed(cfg.seed + 1), device, 0, resuming)
    if resuming:
        info = read_info(out)
        check_resume(info, model_cfg, cfg, meta, out)
        tensors, _ = read_tensors(out / MODEL_FILE, device)
        check_state(model.state_dict(), tensors, out / MODEL_FILE)
        model.load_state_dict(tensors)
        run.start = int(info["step"])
        load_trainer_state(out, run.optimizer, run.generator, run.start)
    return run


def _checked_step(
    run: _Run, batch: dict[str, torch.Tensor], cfg: TrainConfig, step: int, last_saved: int | None, out: Path
) -> tuple[LossOutput, float]:
    """train_step with one-line errors for running out of memory and for a loss that is no longer finite."""
    try:
        losses, total = train_step(run.model, run.optimizer, batch, cfg, step, run.generator)
    except (RuntimeError, MemoryError) as exc:
        if is_out_of_memory(exc):
            raise WorldModelError(
                f"out of memory at batch size {cfg.batch_size}; pass a smaller --batch-size"
            ) from None
        raise
    if not np.isfinite(total):
        kept = (
            f"the last good checkpoint (step {last_saved}) in {out} is kept"
            if last_saved is not None
            else "no checkpoint was written yet"
        )
        raise WorldModelError(f"the loss became {total} at step {step + 1}; {kept}; lower --lr or check the data")
    return losses, total


def train(
    model_cfg: ModelConfig,
    cfg: TrainConfig,
    sample_batch: SampleBatch,
    norm_stats: dict[str, np.ndarray],
    out_dir: str | Path,
    meta: dict[str, Any],
    heldout: HeldOut | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
) -> TrainResult:
    """Train a world model (ACT-JEPA or the BC baseline) into `out_dir`.

    meta: {"task", "dataset_sha256"} recorded in checkpoints and checked on resume.
    heldout: returns held-out (observations (E,T+1,*obs), actions (E,T,A)) for open_loop.png.
    """
    out = Path(out_dir)
    run = _start(model_cfg, cfg, norm_stats, out, meta, resume, force, sample_batch)
    log = MetricsLog(out, model_cfg, cfg, resume_from=run.start if run.resumed else None)
    ckpt_meta = {"task": meta.get("task"), "dataset_sha256": meta.get("dataset_sha256")}
    title = f"{meta.get('task') or 'model'} ({'bc' if model_cfg.is_bc else 'act-jepa'})"
    last_saved = run.start if run.resumed else None
    bar = tqdm(total=cfg.steps, initial=run.start, disable=not progress, dynamic_ncols=True, desc="train")
    run.model.train()
    for step in range(run.start, cfg.steps):
        batch = _batch_to_tensors(sample_batch(step, cfg.batch_size), step, run.device)
        losses, total = _checked_step(run, batch, cfg, step, last_saved, out)
        row = log.add(step, total, losses)
        if row is not None:
            bar.set_postfix(**progress_postfix(row))
        done = step + 1
        if cfg.checkpoint_due(done):
            save_checkpoint(out, run.model, done, ckpt_meta, cfg.to_dict(), run.optimizer, run.generator)
            last_saved = done
            _write_plots(out, log.rows, run.model, title)
        bar.update(1)
    bar.close()
    run.model.eval()
    open_loop = _open_loop(run.model, cfg, heldout, out, title) if heldout is not None else None
    return TrainResult(run.model, max(run.start, cfg.steps), log.rows, open_loop)


def _open_loop(model: ActJepa, cfg: TrainConfig, heldout: HeldOut, out: Path, title: str) -> dict[str, Any]:
    """Held-out open-loop latent error, written as open_loop.json and open_loop.png."""
    observations, actions = heldout()
    horizon = min(cfg.eval_horizon, actions.shape[1] - model.context_len + 1)  # short episodes: shorter rollouts
    result = open_loop_error(model, observations, actions, horizon, cfg.eval_starts_per_episode)
    plot_open_loop(result, out / "open_loop.png", title=f"{title}: open-loop latent error (held out)")
    write_text_atomic(out / "open_loop.json", json.dumps(result, indent=2) + "\n")
    return result
