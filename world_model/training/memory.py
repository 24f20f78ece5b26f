"""Training-batch memory: an estimate checked before training starts, and out-of-memory recognised on any device.

The estimate is measured, not guessed: one forward pass of the training losses
on a few probe samples records what autograd saves for the backward pass
(torch.autograd.graph.saved_tensors_hooks), which scales linearly with the
batch. Parameters, gradients, the two AdamW moments and the EMA target add a
fixed amount. (planner/limits.py reads free memory the same way; planner and
world_model may not import each other.)
"""

from __future__ import annotations

import torch
from torch import Tensor

from actjepa.common.resources import available_memory_bytes, format_bytes
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.objective import LossSettings, compute_losses
from actjepa.world_model.errors import WorldModelError

MEMORY_HEADROOM = 0.8
"Fraction of the free memory a training run may plan to use; data, plots and the allocator need the rest."

BACKWARD_FACTOR = 2
"The backward pass holds gradients of the saved activations next to them: about twice the saved bytes at peak."

STATE_COPIES = 5
"Copies of the parameters training keeps: the weights, their gradients, two AdamW moments and the EMA target."

OOM_MARKERS = ("out of memory", "can't allocate memory", "cannot allocate memory", "defaultcpuallocator")
"Lower-case fragments of the messages torch raises when the CUDA or CPU allocator runs out."


def is_out_of_memory(exc: BaseException) -> bool:
    """True for CUDA and CPU allocator failures (torch.OutOfMemoryError, MemoryError, or their RuntimeErrors)."""
    if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError":
        return True
    return isinstance(exc, RuntimeError) and any(marker in str(exc).lower() for marker in OOM_MARKERS)


def saved_activation_bytes(model: ActJepa, batch: dict[str, Tensor], loss: LossSettings) -> int:
    """Bytes autograd keeps for the backward pass of the training losses on `batch` (parameters not counted)."""
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    saved: dict[int, int] = {}

    def pack(tensor: Tensor) -> Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in params:
            saved[storage.data_ptr()] = max(saved.get(storage.data_ptr(), 0), storage.nbytes())
        return tensor

    device = batch["obs"].device
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        losses = compute_losses(model, batch, loss, torch.Generator().manual_seed(0))
    del losses
    return sum(saved.values())


def training_memory_bytes(model: ActJepa, probe: dict[str, Tensor], batch_size: int, loss: LossSettings) -> int:
    """Estimated peak bytes of training steps with `batch_size` windows, measured on the probe batch (a few windows)."""
    count = int(probe["goal_obs"].shape[0])  # windows (obs holds runs of them)
    per_window = BACKWARD_FACTOR * saved_activation_bytes(model, probe, loss) / count
    per_window += sum(t.nelement() * 4 for t in probe.values()) / count  # the batch itself, as float32
    state = STATE_COPIES * sum(p.nelement() * p.element_size() for p in model.parameters())
    return int(per_window * batch_size) + state


def check_training_memory(
    model: ActJepa, probe: dict[str, Tensor], batch_size: int, loss: LossSettings, available: int | None = None
) -> int:
    """Estimated bytes of training with `batch_size`; WorldModelError naming --batch-size if they do not fit.

    `probe` is a small batch (a few windows, as the trainer feeds them) on the training device;
    `available` overrides the measured free memory (bytes); nothing is checked when neither is known.
    """
    need = training_memory_bytes(model, probe, batch_size, loss)
    device = probe["obs"].device
    free = available_memory_bytes(device) if available is None else available
    if free is not None and need > MEMORY_HEADROOM * free:
        raise WorldModelError(
            f"training batches of {batch_size} windows need about {format_bytes(need)} but only "
            f"{format_bytes(free)} is free on {device.type}; pass a smaller --batch-size"
        )
    return need
