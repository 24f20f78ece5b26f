"""Shards of a global batch and the 1-process statistics (the collectives themselves run in the 2-process
training test, tests/benchmarks/cli/test_train_distributed.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from actjepa.world_model.errors import WorldModelError
from actjepa.world_model.training.distributed import SINGLE, Shard, shard_from_env


@given(st.integers(1, 8), st.integers(1, 16))
def test_shards_are_disjoint_contiguous_and_cover_the_batch_in_rank_order(world, per_rank):
    batch = {"obs": np.arange(world * per_rank * 3).reshape(world * per_rank, 3), "ids": np.arange(world * per_rank)}
    pieces = [Shard(rank, world).take(batch, world * per_rank) for rank in range(world)]
    assert all(len(piece["ids"]) == per_rank for piece in pieces)
    np.testing.assert_array_equal(np.concatenate([piece["ids"] for piece in pieces]), batch["ids"])
    np.testing.assert_array_equal(np.concatenate([piece["obs"] for piece in pieces]), batch["obs"])


def test_a_batch_the_world_size_does_not_divide_is_refused():
    with pytest.raises(WorldModelError, match="batch size 9 is not divisible by the 2 processes"):
        Shard(1, 2).rows(9)


def test_one_process_statistics_are_the_plain_ones():
    x = torch.randn(12, 5)
    mask = torch.rand(12, 5) < 0.3
    assert SINGLE.take({"a": x}, 12)["a"] is x and SINGLE.gather(x) is x
    torch.testing.assert_close(SINGLE.variance(x), x.detach().var(dim=0))
    assert float(SINGLE.mean_of(x)) == float(x.mean())
    assert float(SINGLE.masked_mean(x, mask)) == float((x * mask).sum() / mask.sum().clamp_min(1))
    assert SINGLE.broadcast({"step": 3}) == {"step": 3} and SINGLE.device("cuda") == "cuda"


def test_the_shard_comes_from_torchruns_environment(monkeypatch):
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(key, raising=False)
    assert shard_from_env() is None
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("LOCAL_RANK", "1")
    shard = shard_from_env()
    assert shard == Shard(3, 4, 1) and not shard.is_main and shard.device("cuda") == "cuda:1"
    monkeypatch.setenv("RANK", "4")
    with pytest.raises(WorldModelError, match="RANK 4 is not in 0..WORLD_SIZE-1"):
        shard_from_env()
