"""Training on several processes: process-group setup, disjoint batch shards, statistics over every rank.

Every rank draws the same global batch for a step and keeps its own contiguous slice of rows (rank r of W
keeps rows [r*B/W, (r+1)*B/W)), so the shards together are exactly the 1-process batch. A loss term that is
a mean over a shard's rows needs nothing more: the shards are equal-sized and DistributedDataParallel
averages the gradients. Batch statistics (the anti-collapse regularizers, the latent spread) and means over
a number of items that differs between shards go through a Shard's collectives instead (the objective reaches
them as core.batch_stats.BatchStats), so the loss and its gradients equal the 1-process run's. A 1-process run
uses SINGLE, whose collectives do nothing.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import Tensor

from actjepa.world_model.core.batch_stats import BatchStats
from actjepa.world_model.errors import WorldModelError

ENV_KEYS = ("RANK", "WORLD_SIZE", "LOCAL_RANK")
"Environment variables torchrun (torch.distributed.run) sets in every process it starts."


@dataclass(frozen=True)
class Shard(BatchStats):
    """This process's place among the training processes: rank `rank` of `world_size` (0 of 1 alone), and the
    batch statistics the objective needs, computed over every rank with collectives."""

    local_rank: int = 0
    "Rank of this process on its node (its GPU index on CUDA)."

    @property
    def is_main(self) -> bool:
        """True on the one process that writes files and prints (rank 0)."""
        return self.rank == 0

    def take(self, batch: dict[str, np.ndarray], batch_size: int) -> dict[str, np.ndarray]:
        """This rank's rows of every array of a global batch of `batch_size` windows."""
        if not self.distributed:
            return batch
        runs = len(batch["obs"])  # obs and actions hold runs of batch_size / runs windows (core/inputs.py)
        rows = {key: runs if key in ("obs", "actions") else batch_size for key in batch}
        return {key: value[self.rows(rows[key])] for key, value in batch.items()}

    def gather(self, x: Tensor) -> Tensor:
        """Every rank's rows of x (n, ...) in rank order -> (W*n, ...), differentiable (gradients flow back)."""
        if not self.distributed:
            return super().gather(x)
        from torch.distributed.nn.functional import all_gather

        with warnings.catch_warnings():  # deprecated in torch 2.13 for a private module; still the public one
            warnings.simplefilter("ignore", FutureWarning)
            return torch.cat(all_gather(x), dim=0)

    @torch.no_grad()
    def gather_detached(self, x: Tensor) -> Tensor:
        """Every rank's rows of x (n, ...) in rank order, detached -> (W*n, ...)."""
        if not self.distributed:
            return x.detach()
        parts = [torch.empty_like(x) for _ in range(self.world_size)]
        dist.all_gather(parts, x.detach().contiguous())
        return torch.cat(parts, dim=0)

    @torch.no_grad()
    def sum(self, x: Tensor) -> Tensor:
        """x summed over the ranks, detached (x itself alone)."""
        if not self.distributed:
            return x.detach()
        out = x.detach().clone()
        dist.all_reduce(out)
        return out

    def mean(self, x: Tensor) -> Tensor:
        """x averaged over the ranks, detached: the global mean of per-shard means of equal-sized shards."""
        return self.sum(x) / self.world_size if self.distributed else x.detach()

    def mean_of(self, values: Tensor) -> Tensor:
        """Mean of `values` over every rank's elements, as this rank's share of it (differentiable).

        Shards may hold different numbers of elements: each rank returns W * (its sum) / (global count), so the
        ranks' average (what DistributedDataParallel's gradient average sees) is the global mean.
        """
        if not self.distributed:
            return super().mean_of(values)
        count = self.sum(torch.tensor(float(values.numel()), device=values.device))
        return values.sum() * self.world_size / count

    def masked_mean(self, values: Tensor, mask: Tensor) -> Tensor:
        """Mean of `values` where `mask` holds, over every rank, as this rank's share (see mean_of)."""
        if not self.distributed:
            return super().masked_mean(values, mask)
        count = self.sum(mask.sum().to(values.dtype)).clamp_min(1)
        return (values * mask).sum() * self.world_size / count

    @torch.no_grad()
    def variance(self, flat: Tensor) -> Tensor:
        """Unbiased per-column variance of flat (n, D) over every rank's rows (equal n on every rank) -> (D,)."""
        if not self.distributed:
            return super().variance(flat)
        n = flat.shape[0] * self.world_size
        mean = self.sum(flat.sum(dim=0)) / n
        return self.sum((flat - mean).pow(2).sum(dim=0)) / max(n - 1, 1)

    def broadcast(self, value: Any) -> Any:
        """Rank 0's `value` (any picklable object, CPU tensors inside) on every rank."""
        if not self.distributed:
            return value
        box = [value if self.is_main else None]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def device(self, device: str) -> str:
        """The device this rank trains on: cuda:LOCAL_RANK for a distributed CUDA run, else `device`."""
        if self.distributed and torch.device(device).type == "cuda":
            return f"cuda:{self.local_rank}"
        return device


SINGLE = Shard()
"A run on one process: no collectives."


def shard_from_env() -> Shard | None:
    """The Shard torchrun describes in RANK, WORLD_SIZE and LOCAL_RANK; None when they are not set."""
    if not all(key in os.environ for key in ENV_KEYS):
        return None
    try:
        rank, world, local = (int(os.environ[key]) for key in ENV_KEYS)
    except ValueError:
        raise WorldModelError(
            f"RANK, WORLD_SIZE and LOCAL_RANK must be integers, got {[os.environ[k] for k in ENV_KEYS]}; "
            "start the run with torchrun"
        ) from None
    if not 0 <= rank < world or local < 0:
        raise WorldModelError(f"RANK {rank} is not in 0..WORLD_SIZE-1 ({world}); start the run with torchrun")
    return Shard(rank, world, local)


def backend_for(device: str) -> str:
    """The collective backend of a device: nccl for CUDA, gloo for the CPU."""
    return "nccl" if torch.device(device).type == "cuda" else "gloo"


@contextmanager
def process_group(shard: Shard, device: str) -> Iterator[Shard]:
    """Join the process group torchrun set up (env://) for the run's device, and leave it afterwards.

    On CUDA each rank uses GPU LOCAL_RANK, which must be visible on its node.
    """
    if not shard.distributed:
        yield shard
        return
    if torch.device(device).type == "cuda":
        count = torch.cuda.device_count()
        if shard.local_rank >= count:
            raise WorldModelError(
                f"local rank {shard.local_rank} needs GPU {shard.local_rank} but {count} are visible; "
                f"start at most {count} processes per node"
            )
        torch.cuda.set_device(shard.local_rank)
    dist.init_process_group(backend_for(device), rank=shard.rank, world_size=shard.world_size)
    try:
        yield shard
    finally:
        dist.destroy_process_group()
