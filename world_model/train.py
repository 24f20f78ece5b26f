"""Training loop: sample windows, compute losses, step AdamW, update the EMA target, log, checkpoint.

The loop depends only on a `sample_batch(step, batch_size) -> dict` callable (the contract's
WindowSampler.batch, a pure function of the step), so a resumed run sees the same batches and,
with the optimizer and RNG state restored, produces the same numbers as an uninterrupted one.
"""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from tqdm import tqdm

from world_model.checkpoint import INFO_FILE, MODEL_FILE, atomic_write, check_state, read_tensors, load_trainer_state, read_info, save_checkpoint
from world_model.config import ModelConfig
from world_model.diagnostics import open_loop_error
from world_model.ema import ema_momentum, ema_update
from world_model.errors import CheckpointError, WorldModelError
from world_model.model import ActJepa
from world_model.objective import LossOutput, compute_losses
from world_model.plots import plot_embedding_health, plot_loss_curves, plot_open_loop
from world_model.regularizers import effective_rank, embedding_std
from world_model.train_config import RESUME_MUST_MATCH, TrainConfig

METRICS_FILE = "metrics.jsonl"
SampleBatch = Callable[[int, int], dict[str, np.ndarray]]
HeldOut = Callable[[], tuple[np.ndarray, np.ndarray]]


class CollapseWarning(RuntimeWarning):
    """The latents are losing variance or rank during training."""


@dataclass
class TrainResult:
    """What a finished (or already complete) run returns."""

    model: ActJepa
    step: int
    metrics: list[dict[str, Any]]
    open_loop: dict[str, Any] | None


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
            raise WorldModelError(f"the batch at step {step} holds NaN or infinite {key}; clean the dataset (the last good checkpoint is kept)")
        out[key] = torch.from_numpy(np.ascontiguousarray(arr)).to(device)
    return out


def _prepare_out_dir(out: Path, resume: bool, force: bool) -> bool:
    """Decide between a fresh start and a resume; True when resuming from an existing checkpoint."""
    has_ckpt = (out / INFO_FILE).is_file()
    if resume:
        if not has_ckpt:
            raise CheckpointError(f"there is no checkpoint in {out} to resume; drop --resume to start a new run")
        return True
    if out.exists() and any(out.iterdir()) and not force:
        what = "a checkpoint" if has_ckpt else "files"
        raise WorldModelError(f"{out} already holds {what}; pass --resume to continue or --force to start over")
    return False


def _check_resume(info: dict[str, Any], model_cfg: ModelConfig, cfg: TrainConfig, meta: dict[str, Any], out: Path) -> None:
    """A resumed run must continue the same model on the same task and dataset with the same optimisation."""
    for key in ("task", "dataset_sha256"):
        if meta.get(key) is not None and info.get(key) != meta.get(key):
            raise CheckpointError(f"checkpoint in {out} was trained with {key}={info.get(key)!r}, this run has {meta.get(key)!r}; use another --out or --force")
    saved = ModelConfig.from_dict(info["model_config"])
    for key, value in model_cfg.to_dict().items():
        if saved.to_dict()[key] != value:
            raise CheckpointError(f"checkpoint in {out} has model {key}={saved.to_dict()[key]!r}, this run asks for {value!r}; use another --out or --force")
    for key in RESUME_MUST_MATCH:
        if key in info.get("train_config", {}) and info["train_config"][key] != getattr(cfg, key):
            raise CheckpointError(f"checkpoint in {out} was trained with {key}={info['train_config'][key]!r}, this run has {getattr(cfg, key)!r}; use another --out or --force")


def _read_metrics(out: Path, up_to: int) -> list[dict[str, Any]]:
    path = out / METRICS_FILE
    if not path.is_file():
        return []
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in rows if r["step"] <= up_to]


def _write_metrics(out: Path, rows: list[dict[str, Any]]) -> None:
    tmp = out / f".{METRICS_FILE}.tmp"
    tmp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    tmp.replace(out / METRICS_FILE)


def _is_oom(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or "out of memory" in str(exc).lower()


def _write_plots(out: Path, metrics: list[dict[str, Any]], model: ActJepa, title: str) -> None:
    if metrics:
        plot_loss_curves(metrics, out / "loss_curves.png", title=f"{title} training losses")
        plot_embedding_health(metrics, out / "embedding_health.png", model.latent_dim, title=f"{title} embedding health")


def train_step(model: ActJepa, optimizer: torch.optim.Optimizer, batch: dict[str, torch.Tensor], cfg: TrainConfig,
               step: int, generator: torch.Generator) -> tuple[LossOutput, float]:
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
    groups = [{"params": [p for p in params if id(p) not in encoder], "lr_scale": 1.0},
              {"params": [p for p in params if id(p) in encoder], "lr_scale": cfg.bc_encoder_lr_scale}]
    return torch.optim.AdamW(groups, lr=cfg.lr, weight_decay=cfg.weight_decay)


def train(model_cfg: ModelConfig, cfg: TrainConfig, sample_batch: SampleBatch, norm_stats: dict[str, np.ndarray],
          out_dir: str | Path, meta: dict[str, Any], heldout: HeldOut | None = None, resume: bool = False,
          force: bool = False, progress: bool = True) -> TrainResult:
    """Train a world model (ACT-JEPA or the BC baseline) into `out_dir`.

    meta: {"task", "dataset_sha256"} recorded in checkpoints and checked on resume.
    heldout: returns held-out (observations (E,T+1,*obs), actions (E,T,A)) for open_loop.png.
    """
    out = Path(out_dir)
    resuming = _prepare_out_dir(out, resume, force)
    device = torch.device(cfg.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise WorldModelError("--device cuda was asked for but no CUDA GPU is visible; use --device cpu")
    torch.manual_seed(cfg.seed)
    model = ActJepa(model_cfg, norm_stats).to(device)
    optimizer = make_optimizer(model, cfg)
    generator = torch.Generator().manual_seed(cfg.seed + 1)
    start, metrics = 0, []
    if resuming:
        info = read_info(out)
        _check_resume(info, model_cfg, cfg, meta, out)
        tensors, _ = read_tensors(out / MODEL_FILE, device)
        check_state(model.state_dict(), tensors, out / MODEL_FILE)
        model.load_state_dict(tensors)
        start = int(info["step"])
        load_trainer_state(out, optimizer, generator, start)
        metrics = _read_metrics(out, start)
    out.mkdir(parents=True, exist_ok=True)
    _write_metrics(out, metrics)
    ckpt_meta = {"task": meta.get("task"), "dataset_sha256": meta.get("dataset_sha256")}
    title = f"{meta.get('task') or 'model'} ({'bc' if model_cfg.is_bc else 'act-jepa'})"
    last_saved = start if resuming else None
    sums: dict[str, float] = {}
    count, tick = 0, time.perf_counter()
    bar = tqdm(total=cfg.steps, initial=start, disable=not progress, dynamic_ncols=True, desc="train")
    model.train()
    for step in range(start, cfg.steps):
        batch = _batch_to_tensors(sample_batch(step, cfg.batch_size), step, device)
        try:
            losses, total = train_step(model, optimizer, batch, cfg, step, generator)
        except (RuntimeError, MemoryError) as exc:
            if _is_oom(exc):
                raise WorldModelError(f"out of memory at batch size {cfg.batch_size}; pass a smaller --batch-size") from None
            raise
        if not np.isfinite(total):
            kept = f"the last good checkpoint (step {last_saved}) in {out} is kept" if last_saved is not None else "no checkpoint was written yet"
            raise WorldModelError(f"the loss became {total} at step {step + 1}; {kept}; lower --lr or check the data")
        sums["loss"] = sums.get("loss", 0.0) + total
        for key, value in losses.parts.items():
            sums[key] = sums.get(key, 0.0) + float(value.detach())
        count += 1
        done = step + 1
        if done % cfg.log_every == 0 or done == cfg.steps:
            row = {"step": done, **{k: v / count for k, v in sums.items()}, "lr": cfg.lr_at(step),
                   "emb_std": embedding_std(losses.latents), "eff_rank": effective_rank(losses.latents),
                   "steps_per_s": count / max(time.perf_counter() - tick, 1e-9)}
            metrics.append(row)
            with open(out / METRICS_FILE, "a") as handle:
                handle.write(json.dumps(row) + "\n")
            _warn_collapse(row, model_cfg, cfg)
            bar.set_postfix(loss=f"{row['loss']:.3f}", act=f"{row['action']:.3f}", lat=f"{row['latent']:.3f}",
                            pred=f"{row['predictor']:.3f}", std=f"{row['emb_std']:.2f}", rank=f"{row['eff_rank']:.1f}")
            sums, count, tick = {}, 0, time.perf_counter()
        if done % cfg.checkpoint_every == 0 or done == cfg.steps:
            save_checkpoint(out, model, done, ckpt_meta, cfg.to_dict(), optimizer, generator)
            last_saved = done
            _write_plots(out, metrics, model, title)
        bar.update(1)
    bar.close()
    model.eval()
    open_loop = None
    if heldout is not None:
        observations, actions = heldout()
        horizon = min(cfg.eval_horizon, actions.shape[1] - model.context_len + 1)  # short episodes: shorter rollouts
        open_loop = open_loop_error(model, observations, actions, horizon, cfg.eval_starts_per_episode)
        plot_open_loop(open_loop, out / "open_loop.png", title=f"{title}: open-loop latent error (held out)")
        text = json.dumps(open_loop, indent=2) + "\n"
        atomic_write(out / "open_loop.json", lambda p: Path(p).write_text(text))
    return TrainResult(model, max(start, cfg.steps), metrics, open_loop)


def _warn_collapse(row: dict[str, Any], model_cfg: ModelConfig, cfg: TrainConfig) -> None:
    """Loud warning when the ACT-JEPA latents lose variance or rank (BC has no such objective)."""
    if model_cfg.is_bc or row["step"] <= cfg.warmup_steps:
        return
    rank_floor = cfg.collapse_rank_fraction * model_cfg.latent_dim
    if row["emb_std"] < cfg.collapse_std or row["eff_rank"] < rank_floor:
        msg = (f"WARNING step {row['step']}: latents are collapsing (embedding std {row['emb_std']:.3g} < {cfg.collapse_std} "
               f"or effective rank {row['eff_rank']:.1f} < {rank_floor:.1f}); try the other --regularizer (vicreg or sigreg)")
        tqdm.write(msg)
        warnings.warn(msg, CollapseWarning, stacklevel=3)
