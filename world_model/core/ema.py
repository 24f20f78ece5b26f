"""Exponential moving average of the context encoder: the target encoder's only update rule."""

from __future__ import annotations

import math

import torch
from torch import nn


def ema_momentum(step: int, total_steps: int, start: float, end: float) -> float:
    """Cosine momentum schedule from `start` at step 0 to `end` at `total_steps`."""
    progress = min(max(step / max(total_steps, 1), 0.0), 1.0)
    return end - (end - start) * (math.cos(math.pi * progress) + 1.0) / 2.0


@torch.no_grad()
def ema_update(target: nn.Module, online: nn.Module, momentum: float) -> None:
    """target <- momentum * target + (1 - momentum) * online, parameter by parameter (buffers copied)."""
    for t, o in zip(target.parameters(), online.parameters(), strict=True):
        t.mul_(momentum).add_(o.detach(), alpha=1.0 - momentum)
    for t, o in zip(target.buffers(), online.buffers(), strict=True):
        t.copy_(o)
