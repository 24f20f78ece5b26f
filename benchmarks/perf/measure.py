"""Measuring tools of the benchmarks: matrix shapes a computation multiplies, matmul throughput on those shapes,
peak memory of a block, and floating-point operations."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode

MATMUL_SECONDS = 0.05
"Least time spent timing torch.mm per matrix shape."


class MatmulShapes(TorchDispatchMode):
    """Records (M, K, N) of every matrix multiply dispatched while active."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: Counter[tuple[int, int, int]] = Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        if name == "linear":  # not decomposed under inference mode
            x, weight = args[0], args[1]
            self.shapes[(x.numel() // x.shape[-1], weight.shape[1], weight.shape[0])] += 1
        elif name in ("mm", "addmm"):
            a, b = (args[0], args[1]) if name == "mm" else (args[1], args[2])
            self.shapes[(a.shape[0], a.shape[1], b.shape[1])] += 1
        elif name == "bmm":
            a, b = args[0], args[1]
            for _ in range(a.shape[0]):
                self.shapes[(a.shape[1], a.shape[2], b.shape[2])] += 1
        return func(*args, **(kwargs or {}))


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_throughput(shapes: Counter, device: torch.device, min_seconds: float | None = None) -> dict[str, float]:
    """FLOP/s of torch.mm on exactly these shapes, weighted by how often the plan used each."""
    min_seconds = MATMUL_SECONDS if min_seconds is None else min_seconds
    total_flops, total_seconds = 0.0, 0.0
    for (m, k, n), count in shapes.items():
        a, b = torch.randn(m, k, device=device), torch.randn(k, n, device=device)
        out = torch.empty(m, n, device=device)
        torch.mm(a, b, out=out)
        reps, elapsed = 1, 0.0
        while True:
            sync(device)
            start = time.perf_counter()
            for _ in range(reps):
                torch.mm(a, b, out=out)
            sync(device)
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds or reps >= 1 << 14:
                break
            reps *= 4
        total_seconds += elapsed / reps * count
        total_flops += 2.0 * m * k * n * count
    return {"flops": total_flops, "seconds": total_seconds, "flop_per_s": total_flops / max(total_seconds, 1e-12)}


class PeakMemory:
    """Peak memory of a block: CUDA allocator peak, or on CPU the peak RSS sampled every 2 ms."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.peak_mb = 0.0
        self.base_mb = 0.0

    @staticmethod
    def _rss_mb() -> float:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def __enter__(self) -> PeakMemory:
        if self.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(self.device)
            self.base_mb = torch.cuda.memory_allocated(self.device) / 2**20
            return self
        self.base_mb = self.peak_mb = self._rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak_mb = max(self.peak_mb, self._rss_mb())

    def __exit__(self, *exc: Any) -> None:
        if self.device.type == "cuda":
            self.peak_mb = torch.cuda.max_memory_allocated(self.device) / 2**20
            return
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, self._rss_mb())


def count(fn: Callable[[], None], counter: FlopCounterMode) -> float:
    """Floating-point operations of fn, from the shapes of its matrix products."""
    with counter:
        fn()
    return float(counter.get_total_flops())


def placeholder_stats(pixels: bool, obs_dim: int, action_dim: int) -> dict[str, np.ndarray]:
    """Normalisation statistics of an untrained benchmark model (timing does not depend on them): per channel
    for 64x64 frames, per dimension for state vectors."""
    n = 3 if pixels else obs_dim
    return {
        "obs_mean": np.full(n, 0.5 if pixels else 0.0, np.float32),
        "obs_std": np.full(n, 0.25 if pixels else 1.0, np.float32),
        "action_mean": np.zeros(action_dim, np.float32),
        "action_std": np.ones(action_dim, np.float32),
    }
