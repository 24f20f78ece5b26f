"""Statistics over a training step's whole batch, from the rows of it this process holds.

A step's batch may be split over several processes. A loss that is a mean over rows needs nothing more (the
shares are equal-sized and their gradients are averaged), but a few terms need every row: the variance that
scales the latent errors, the regularizers' batch statistics, and means over counts that differ between the
shares. The objective reaches them through this object only. Alone (the default) they are the plain
statistics of the rows at hand; on several processes training/distributed.py's Shard computes them with
collectives, so that the losses and their gradients equal the 1-process ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from actjepa.world_model.errors import WorldModelError


@dataclass(frozen=True)
class BatchStats:
    """Where this process's rows sit in the global batch (rank `rank` of `world_size`), and statistics over it."""

    rank: int = 0
    "This process's place among those the batch is split over."
    world_size: int = 1
    "Number of processes the global batch is split over."

    @property
    def distributed(self) -> bool:
        """True when the batch is split over several processes."""
        return self.world_size > 1

    def rows(self, batch_size: int) -> slice:
        """This process's rows of a global batch of `batch_size` (which the world size must divide)."""
        if batch_size % self.world_size:
            raise WorldModelError(
                f"the batch size {batch_size} is not divisible by the {self.world_size} processes; "
                f"pass a --batch-size that is a multiple of {self.world_size}"
            )
        per_rank = batch_size // self.world_size
        return slice(self.rank * per_rank, (self.rank + 1) * per_rank)

    def gather(self, x: Tensor) -> Tensor:
        """Every process's rows of x (n, ...) in rank order, differentiable: x itself alone."""
        return x

    @torch.no_grad()
    def variance(self, flat: Tensor) -> Tensor:
        """Unbiased per-column variance of flat (n, D) over every process's rows (equal n everywhere) -> (D,)."""
        return flat.detach().var(dim=0)

    def mean_of(self, values: Tensor) -> Tensor:
        """Mean of `values` over every process's elements, as this process's share of it (differentiable)."""
        return values.mean()

    def masked_mean(self, values: Tensor, mask: Tensor) -> Tensor:
        """Mean of `values` where `mask` holds, over every process, as this process's share (see mean_of)."""
        return (values * mask).sum() / mask.sum().clamp_min(1)


ONE_PROCESS = BatchStats()
"The whole batch on this process: the plain statistics."
