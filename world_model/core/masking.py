"""Temporal masking for the ACT-JEPA head: one random contiguous block of the future per sample."""

from __future__ import annotations

import torch
from torch import Tensor


def sample_block_mask(
    batch: int,
    chunk_len: int,
    generator: torch.Generator,
    device: torch.device | str = "cpu",
    min_len: int | None = None,
) -> Tensor:
    """(batch, chunk_len) bool mask, True where a future latent is hidden from the head.

    Each row hides one contiguous block whose length is uniform in [min_len, chunk_len]
    (default min_len = max(1, chunk_len // 4)) and whose start is uniform among the
    positions where it fits. Drawn on CPU from `generator` so runs resume exactly.
    """
    lo = max(1, chunk_len // 4) if min_len is None else max(1, min(min_len, chunk_len))
    lengths = torch.randint(lo, chunk_len + 1, (batch, 1), generator=generator)
    starts = (torch.rand(batch, 1, generator=generator) * (chunk_len - lengths + 1)).floor().long()
    idx = torch.arange(chunk_len).unsqueeze(0)
    mask = (idx >= starts) & (idx < starts + lengths)
    return mask.to(device)
