"""Free memory of this machine or a CUDA device, and byte counts for messages (torch imported only for a device)."""

from __future__ import annotations

import os
from pathlib import Path


def free_cpu_memory_bytes() -> int | None:
    """MemAvailable from /proc/meminfo, else free pages from sysconf; None if neither can be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def available_memory_bytes(device: object = "cpu") -> int | None:
    """Free memory on `device` (a name or torch.device): MemAvailable (or free pages) for the CPU, the CUDA
    allocator's free bytes; None if unknown."""
    import torch

    where = torch.device(device)  # type: ignore[call-overload]
    if where.type == "cuda":
        try:
            return int(torch.cuda.mem_get_info(where)[0])
        except (RuntimeError, AssertionError):
            return None
    return free_cpu_memory_bytes() if where.type == "cpu" else None


def format_bytes(count: float) -> str:
    """1536 -> '1.5 KiB'; for messages."""
    units = ("B", "KiB", "MiB", "GiB", "TiB")
    power = 0
    while count >= 1024 and power < len(units) - 1:
        count, power = count / 1024, power + 1
    return f"{int(count)} B" if power == 0 else f"{count:.1f} {units[power]}"
