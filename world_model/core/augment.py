"""Training-window augmentation: random shifts of pixel frames, Gaussian noise on state contexts.

Shifts (as DrQ and TD-MPC2 use them): each window is translated by up to `shift` pixels in each direction,
edge pixels repeated; one shift per window, the same for every frame of it and for its goal image, so the
window's motion and its goal stay consistent while the encoder stops keying on exact pixel positions.

Context noise: the observations the online encoder reads are perturbed, while the targets, the goal and the
actions stay those of the demonstration, so the head learns to act, and the predictor to start, from
states a little off the demonstrated ones, where a policy lands once its own errors compound.
"""

from __future__ import annotations

import torch
from torch import Tensor


def draw_shifts(rows: int, shift: int, generator: torch.Generator) -> Tensor:
    """(rows, 2) integer (dy, dx) offsets, each uniform in [-shift, shift], drawn from `generator`."""
    return torch.randint(-shift, shift + 1, (rows, 2), generator=generator, device=generator.device)


def context_noise(shape: tuple[int, ...], std: float, generator: torch.Generator) -> Tensor:
    """Gaussian noise of `shape` (rows first) and standard deviation `std`, drawn from `generator`."""
    return std * torch.randn(shape, generator=generator, device=generator.device)


def shift_frames(frames: Tensor, offsets: Tensor) -> Tensor:
    """Translate each sample's frames by its offset, repeating edge pixels.

    frames (B, ..., H, W) of any dtype, offsets (B, 2) as (dy, dx): out[b, ..., i, j] is
    frames[b, ..., clamp(i + dy), clamp(j + dx)]. Shape and dtype are kept.
    """
    b, h, w = frames.shape[0], frames.shape[-2], frames.shape[-1]
    flat = frames.reshape(b, -1, h, w)  # (B, M, H, W)
    m = flat.shape[1]
    offsets = offsets.to(frames.device)
    rows = (torch.arange(h, device=frames.device) + offsets[:, :1]).clamp(0, h - 1)  # (B, H)
    cols = (torch.arange(w, device=frames.device) + offsets[:, 1:]).clamp(0, w - 1)  # (B, W)
    out = flat.gather(2, rows[:, None, :, None].expand(b, m, h, w))
    out = out.gather(3, cols[:, None, None, :].expand(b, m, h, w))
    return out.reshape(frames.shape)
