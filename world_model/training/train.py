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

from actjepa.common import write_text_atomic
from actjepa.world_model.core.config import ModelConfig
from actjepa.world_model.core.ema import ema_momentum, ema_update
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.objective import LossOutput, compute_losses
from actjepa.world_model.errors import WorldModelError
from actjepa.world_model.training.checkpoint import save_checkpoint
from actjepa.world_model.training.config import TrainConfig
from actjepa.world_model.training.diagnostics import open_loop_error
from actjepa.world_model.training.distributed import SINGLE, Shard
from actjepa.world_model.training.memory import is_out_of_memory
from actjepa.world_model.training.metrics_log import METRICS_FILE, CollapseWarning, MetricsLog, progress_postfix
from actjepa.world_model.training.plots import plot_embedding_health, plot_loss_curves, plot_open_loop
from actjepa.world_model.training.run_start import SampleBatch, TrainingRun, batch_to_tensors, make_optimizer, start_run

__all__ = ["METRICS_FILE", "CollapseWarning", "TrainResult", "make_optimizer", "train", "train_step"]

HeldOut = Callable[[], tuple[np.ndarray, np.ndarray]]


@dataclass
class TrainResult:
    """What a finished (or already complete) run returns."""

    model: ActJepa
    step: int
    metrics: list[dict[str, Any]]
    open_loop: dict[str, Any] | None


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
    loss: torch.nn.Module | None = None,
) -> tuple[LossOutput, float]:
    """One optimisation step: losses, AdamW update with clipping, EMA target and action-scale updates.

    loss: the losses inside DistributedDataParallel on several processes (run_start.ShardLoss), whose
    backward averages the gradients over the ranks; None computes them here on one process.
    Returns the losses and the total as a float (the same on every rank); a non-finite total leaves the
    model untouched.
    """
    for group in optimizer.param_groups:
        group["lr"] = cfg.lr_at(step) * group.get("lr_scale", 1.0)
    if loss is None:
        losses = compute_losses(model, batch, cfg.loss, generator)
    else:
        losses = loss(batch, cfg.loss, generator)
    total = losses.total_value
    if not np.isfinite(total):
        return losses, total
    optimizer.zero_grad(set_to_none=True)
    losses.total.backward()
    torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], cfg.optim.grad_clip)
    optimizer.step()
    optim = cfg.optim
    with torch.no_grad():
        if model.target_encoder is not None:
            momentum = ema_momentum(step, cfg.steps, optim.ema_start, optim.ema_end)
            ema_update(model.target_encoder, model.encoder, momentum)
        model.action_scale.mul_(optim.scale_momentum).add_(losses.action_abs_error, alpha=1.0 - optim.scale_momentum)
    return losses, total


def _checked_step(
    run: TrainingRun, batch: dict[str, torch.Tensor], cfg: TrainConfig, step: int, last_saved: int | None, out: Path
) -> tuple[LossOutput, float]:
    """train_step with one-line errors for running out of memory and for a loss that is no longer finite."""
    try:
        losses, total = train_step(run.model, run.optimizer, batch, cfg, step, run.generator, run.loss)
    except (RuntimeError, MemoryError) as exc:
        if is_out_of_memory(exc):
            raise WorldModelError(
                f"out of memory at batch size {cfg.optim.batch_size}; pass a smaller --batch-size"
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
    shard: Shard = SINGLE,
) -> TrainResult:
    """Train a world model (ACT-JEPA or the BC baseline) into `out_dir`.

    meta: {"task", "dataset_sha256"} recorded in checkpoints and checked on resume.
    heldout: returns held-out (observations (E,T+1,*obs), actions (E,T,A)) for open_loop.png.
    shard: this process's rank among several (distributed.Shard); each trains on its rows of every global
    batch, and rank 0 alone writes the folder (checkpoints, metrics, plots) and shows progress.
    """
    out = Path(out_dir)
    shard.rows(cfg.optim.batch_size)  # the world size must divide the batch, before anything starts
    meta = {**meta, "world_size": shard.world_size}
    run = start_run(model_cfg, cfg, norm_stats, out, meta, resume, force, sample_batch, shard)
    log = MetricsLog(out, model_cfg, cfg, resume_from=run.start if run.resumed else None) if shard.is_main else None
    ckpt_meta = {key: meta.get(key) for key in ("task", "dataset_sha256", "world_size")}
    title = f"{meta.get('task') or 'model'} ({'bc' if model_cfg.is_bc else 'act-jepa'})"
    last_saved = run.start if run.resumed else None
    show = progress and shard.is_main
    bar = tqdm(total=cfg.steps, initial=run.start, disable=not show, dynamic_ncols=True, desc="train")
    run.model.train()
    for step in range(run.start, cfg.steps):
        windows = shard.take(sample_batch(step, cfg.optim.batch_size), cfg.optim.batch_size)
        losses, total = _checked_step(run, batch_to_tensors(windows, step, run.device), cfg, step, last_saved, out)
        row = log.add(step, total, losses) if log is not None else None
        if row is not None:
            bar.set_postfix(**progress_postfix(row))
        done = step + 1
        if cfg.checkpoint_due(done):
            if log is not None:
                save_checkpoint(out, run.model, done, ckpt_meta, cfg.to_dict(), run.optimizer, run.generator)
                _write_plots(out, log.rows, run.model, title)
            last_saved = done
        bar.update(1)
    bar.close()
    run.model.eval()
    open_loop = None
    if heldout is not None and shard.is_main:
        open_loop = _open_loop(run.model, cfg, heldout, out, title)
    return TrainResult(run.model, max(run.start, cfg.steps), log.rows if log is not None else [], open_loop)


def _open_loop(model: ActJepa, cfg: TrainConfig, heldout: HeldOut, out: Path, title: str) -> dict[str, Any]:
    """Held-out open-loop latent error, written as open_loop.json and open_loop.png."""
    observations, actions = heldout()
    horizon = min(cfg.eval_horizon, actions.shape[1] - model.context_len + 1)  # short episodes: shorter rollouts
    result = open_loop_error(model, observations, actions, horizon, cfg.eval_starts_per_episode)
    plot_open_loop(result, out / "open_loop.png", title=f"{title}: open-loop latent error (held out)")
    write_text_atomic(out / "open_loop.json", json.dumps(result, indent=2) + "\n")
    return result
