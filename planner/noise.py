"""Per-episode Gaussian noise streams, drawn for all episodes in one tensor op.

Each episode owns a 64-bit key; the noise at position i of its stream is a
hash (SplitMix64) of (key, i) turned into a normal variate. Episode b's
numbers therefore depend only on its key, never on how many episodes share
the batch, which makes B batched plans equal B separate ones, and the same
keys give the same numbers on every device.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from actjepa.planner.errors import PlannerError


def _signed(value: int) -> int:
    """A 64-bit unsigned constant as the int64 torch stores."""
    return value - (1 << 64) if value >= 1 << 63 else value


_GOLDEN = _signed(0x9E3779B97F4A7C15)
_MIX1 = _signed(0xBF58476D1CE4E5B9)
_MIX2 = _signed(0x94D049BB133111EB)
_UNIFORM_BITS = 24


def _mix_(x: Tensor) -> Tensor:
    """SplitMix64 finaliser in place on int64 (logical shifts emulated with masks)."""
    for shift, mult in ((30, _MIX1), (27, _MIX2), (31, None)):
        x.bitwise_xor_(torch.bitwise_and(x >> shift, (1 << (64 - shift)) - 1))
        if mult is not None:
            x.mul_(mult)
    return x


def check_seeds(seeds: Sequence[int] | Tensor) -> Tensor:
    """User seeds as an int64 tensor (B,); PlannerError unless they are whole numbers in [0, 2**63)."""
    if isinstance(seeds, Tensor) and (seeds.is_floating_point() or seeds.is_complex() or seeds.dtype == torch.bool):
        raise PlannerError(f"seeds must be whole numbers, got a {seeds.dtype} tensor; pass integer seeds")
    try:
        values = torch.as_tensor(seeds, dtype=torch.int64).reshape(-1)
    except (RuntimeError, TypeError, ValueError, OverflowError):
        raise PlannerError(f"seeds must be whole numbers in [0, 2**63), got {seeds!r}; pass smaller seeds") from None
    if bool((values < 0).any()):
        raise PlannerError(f"seeds must be >= 0, got {values[values < 0][0].item()}; pass --seed 0 or larger")
    return values


def episode_keys(seeds: Sequence[int] | Tensor, device: torch.device | str = "cpu") -> Tensor:
    """Hash seeds (one per episode; any int64, e.g. keys derived from user seeds) into well-mixed int64 keys (B,)."""
    seeds = torch.as_tensor(seeds, dtype=torch.int64, device=device).reshape(-1)
    return _mix_(seeds * _GOLDEN + 1)


def derive_keys(keys: Tensor, stream: int) -> Tensor:
    """Independent keys for sub-stream `stream` (e.g. the plan counter of a controller)."""
    salt = _mix_(torch.full_like(keys, stream).mul_(_GOLDEN).add_(_MIX2))
    return _mix_(salt.bitwise_xor_(keys))


def random_keys(batch: int, generator: torch.Generator | None, device: torch.device | str) -> Tensor:
    """Keys drawn from a torch generator (or the global RNG) when no seeds are given."""
    low, high = -(1 << 62), 1 << 62
    keys = torch.randint(low, high, (batch,), generator=generator, dtype=torch.int64)
    return keys.to(device)


class NormalStream:
    """Standard normal noise of a fixed per-draw shape, one independent stream per episode."""

    def __init__(self, keys: Tensor, shape: tuple[int, ...]) -> None:
        self.keys = keys.view(-1, 1)
        self.shape = tuple(shape)
        self.numel = math.prod(self.shape)
        self._counter = torch.arange(self.numel, device=keys.device, dtype=torch.int64)
        self._bits = torch.empty(keys.numel(), self.numel, device=keys.device, dtype=torch.int64)
        self._draws = 0

    def draw(self, out: Tensor | None = None) -> Tensor:
        """The next (B, *shape) block of the streams, written into `out` if given."""
        offset = self._draws * self.numel
        self._draws += 1
        x = self._bits
        x.copy_((self._counter + offset).expand_as(x))
        x.mul_(_GOLDEN).add_(self.keys)
        _mix_(x)
        x = torch.bitwise_and(x >> (64 - _UNIFORM_BITS), (1 << _UNIFORM_BITS) - 1)
        scale = 2.0 / (1 << _UNIFORM_BITS)
        shape = (self.keys.shape[0], *self.shape)
        if out is None:
            out = torch.empty(shape, device=x.device, dtype=torch.float32)
        u = out.view(self.keys.shape[0], self.numel)
        u.copy_(x).add_(0.5).mul_(scale).sub_(1.0)  # uniform in (-1, 1)
        return u.erfinv_().mul_(math.sqrt(2.0)).view(shape)
