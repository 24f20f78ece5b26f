"""Turning a user's --device string into a torch.device that exists on this machine, or a one-line error."""

from __future__ import annotations

import torch

from actjepa.world_model.errors import WorldModelError

DEVICE_TYPES = ("cpu", "cuda", "mps")
"Device types a model can be trained or evaluated on."


def check_device(device: str | torch.device) -> torch.device:
    """The torch.device for `device`; WorldModelError naming --device if it is malformed or not present here."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise WorldModelError(f"--device {device!r} is not a device; use one of {', '.join(DEVICE_TYPES)}") from None
    if dev.type not in DEVICE_TYPES:
        raise WorldModelError(f"--device {device!r} is not supported; use one of {', '.join(DEVICE_TYPES)}")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise WorldModelError(f"--device {device} was asked for but no CUDA GPU is visible; use --device cpu")
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise WorldModelError(
                f"--device {device} names GPU {dev.index} but only {count} are visible; "
                f"use --device cuda:0 .. cuda:{count - 1}"
            )
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise WorldModelError(f"--device {device} was asked for but MPS is not available here; use --device cpu")
    return dev
