"""Starting a training run: a fresh model or the checkpoint's, on one process or on every rank of several.

Rank 0 alone touches the checkpoint folder (a fresh start with --force clears it) and reads a checkpoint
to resume; it hands the weights, optimizer slots, masking RNG and start step to the other ranks, so only
rank 0 needs to see --out. On several processes the losses run inside DistributedDataParallel.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from actjepa.world_model.core.config import ModelConfig
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.objective import LossOutput, LossSettings, compute_losses
from actjepa.world_model.errors import WorldModelError
from actjepa.world_model.training.checkpoint import MODEL_FILE, check_state, load_trainer_state, read_info, read_tensors
from actjepa.world_model.training.config import TrainConfig
from actjepa.world_model.training.device import check_device
from actjepa.world_model.training.distributed import Shard
from actjepa.world_model.training.memory import check_training_memory
from actjepa.world_model.training.resume import check_resume, prepare_out_dir

SampleBatch = Callable[[int, int], dict[str, np.ndarray]]

MEMORY_PROBE_WINDOWS = 4
"Windows of the probe batch whose measured activations estimate a training batch's memory before step one."


@dataclass
class TrainingRun:
    """The state a run trains: model, optimizer, masking generator, and the step it starts from."""

    model: ActJepa
    optimizer: torch.optim.Optimizer
    generator: torch.Generator
    device: torch.device
    start: int
    resumed: bool
    loss: nn.Module | None = None
    "The losses inside DistributedDataParallel on several processes (None on one: compute_losses directly)."


class ShardLoss(nn.Module):
    """compute_losses on this rank's shard as a module's forward, which DistributedDataParallel wraps; the numbers
    it reports (parts, total, action error, context latents) are those of the global batch."""

    def __init__(self, model: ActJepa, shard: Shard) -> None:
        super().__init__()
        self.model = model
        self.shard = shard

    def forward(self, batch: dict[str, torch.Tensor], settings: LossSettings, generator: torch.Generator) -> LossOutput:
        return averaged(compute_losses(self.model, batch, settings, generator, self.shard), self.shard)


def averaged(output: LossOutput, shard: Shard) -> LossOutput:
    """The reported numbers of a shard's losses made global: parts, total and action error averaged over the
    ranks, and the context latents of every rank (for the embedding-health numbers)."""
    names = list(output.parts)
    means = shard.mean(torch.stack([output.total.detach(), *(output.parts[n].detach() for n in names)]))
    return LossOutput(
        output.total,
        {name: means[i + 1] for i, name in enumerate(names)},
        shard.gather_detached(output.latents),
        shard.mean(output.action_abs_error),
        total_mean=means[0],
    )


def batch_to_tensors(batch: dict[str, np.ndarray], step: int, device: torch.device) -> dict[str, torch.Tensor]:
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


def make_optimizer(model: ActJepa, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW over every trainable parameter (the target encoder has none).

    The BC baseline's encoder gets its own group whose learning rate is scaled by
    cfg.optim.bc_encoder_lr_scale (as ACT trains its backbone slower than its head): trained on the
    action loss alone at the full rate, its latents lose rank and the policy's precision.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    optim = cfg.optim
    if not model.cfg.is_bc or optim.bc_encoder_lr_scale == 1.0:
        return torch.optim.AdamW(params, lr=optim.lr, weight_decay=optim.weight_decay)
    encoder = {id(p) for p in model.encoder.parameters()}
    groups = [
        {"params": [p for p in params if id(p) not in encoder], "lr_scale": 1.0},
        {"params": [p for p in params if id(p) in encoder], "lr_scale": optim.bc_encoder_lr_scale},
    ]
    return torch.optim.AdamW(groups, lr=optim.lr, weight_decay=optim.weight_decay)


def check_augmentation(model_cfg: ModelConfig, cfg: TrainConfig) -> None:
    """Random shifts need pixel frames, and a shift of half the frame's side or more leaves only edges; context
    noise is for state vectors."""
    loss = cfg.loss
    if loss.obs_noise and model_cfg.obs_mode != "state":
        raise WorldModelError("obs_noise perturbs state vectors but this model reads pixels; set it to 0")
    if not loss.image_shift:
        return
    if model_cfg.obs_mode != "pixels":
        raise WorldModelError("image_shift augments pixel frames but this model reads states; set it to 0")
    side = min(model_cfg.obs_shape[:2])
    if 2 * loss.image_shift >= side:
        raise WorldModelError(
            f"image_shift {loss.image_shift} is too large for {side}-pixel frames; use under {side // 2}"
        )


def start_run(
    model_cfg: ModelConfig,
    cfg: TrainConfig,
    norm_stats: dict[str, np.ndarray],
    out: Path,
    meta: dict[str, Any],
    resume: bool,
    force: bool,
    sample_batch: SampleBatch,
    shard: Shard,
) -> TrainingRun:
    """A fresh model, optimizer and generator, or those of the checkpoint in `out` when resuming.

    The device and the memory of this rank's training batch are checked before the folder is touched.
    """
    check_augmentation(model_cfg, cfg)
    device = check_device(shard.device(cfg.device))
    torch.manual_seed(cfg.optim.seed)
    model = ActJepa(model_cfg, norm_stats).to(device)
    runs = cfg.optim.runs_for(model_cfg.obs_mode)
    probe = batch_to_tensors(sample_batch(0, runs * -(-MEMORY_PROBE_WINDOWS // runs)), 0, device)  # whole runs
    check_training_memory(model, probe, cfg.optim.batch_size // shard.world_size, cfg.loss)
    resuming = shard.broadcast(prepare_out_dir(out, resume, force) if shard.is_main else None)
    run = TrainingRun(
        model, make_optimizer(model, cfg), torch.Generator().manual_seed(cfg.optim.seed + 1), device, 0, resuming
    )
    if resuming and shard.is_main:
        info = read_info(out)
        check_resume(info, model_cfg, cfg, meta, out)
        tensors, _ = read_tensors(out / MODEL_FILE, device)
        check_state(model.state_dict(), tensors, out / MODEL_FILE)
        model.load_state_dict(tensors)
        run.start = int(info["step"])
        load_trainer_state(out, run.optimizer, run.generator, run.start)
    if shard.distributed:
        if resuming:
            _share_resumed_state(run, shard)
        run.loss = data_parallel(model, shard, unused=has_unused_parameters(model, probe))
    return run


def has_unused_parameters(model: ActJepa, probe: dict[str, torch.Tensor]) -> bool:
    """True when some trainable parameters get no gradient: BC's latent tokens, a value network without goal steps."""
    return model.cfg.is_bc or (model.value_net is not None and "goal_steps" not in probe)


def _on_cpu(value: Any) -> Any:
    """A (nested dict/list of) tensors moved to the CPU, so another rank can unpickle it on any device."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {k: _on_cpu(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_on_cpu(v) for v in value)
    return value


def _share_resumed_state(run: TrainingRun, shard: Shard) -> None:
    """Rank 0's resumed weights, optimizer slots, masking RNG and start step on every rank."""
    state = None
    if shard.is_main:
        state = _on_cpu((run.start, run.model.state_dict(), run.optimizer.state_dict(), run.generator.get_state()))
    start, weights, optimizer, generator = shard.broadcast(state)
    if not shard.is_main:
        run.model.load_state_dict(weights)
        run.optimizer.load_state_dict(optimizer)
        run.generator.set_state(generator)
        run.start = start


def data_parallel(model: ActJepa, shard: Shard, unused: bool) -> nn.Module:
    """The model's losses inside DistributedDataParallel (gradients averaged over the ranks after backward).

    unused: some trainable parameters get no gradient (BC's latent tokens, the value network without
    goal steps); DDP then leaves their gradients empty, as one process does. Buffers are not broadcast:
    every rank updates them identically.
    """
    from torch.nn.parallel import DistributedDataParallel

    device_ids = [shard.local_rank] if model.device.type == "cuda" else None
    newer = "forward_sync_buffers" in inspect.signature(DistributedDataParallel.__init__).parameters
    no_buffer_sync = {"forward_sync_buffers" if newer else "broadcast_buffers": False}  # renamed in torch 2.13
    return DistributedDataParallel(
        ShardLoss(model, shard), device_ids=device_ids, find_unused_parameters=unused, **no_buffer_sync
    )
