"""Where a results file was made: the machine and the code, recorded by the code that writes the file.

Every results JSON the command line writes goes through `write_results_json`, which adds two keys:
`machine` (processor model, cores, torch threads, torch and mujoco versions, device) and `code` (the git
commit of the installed source and whether its code files differed from that commit). Timings of files
made on different machines do not compare; these keys say which ones do.
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from actjepa.benchmarks.io import write_json_atomic

SOURCE_ROOT = Path(__file__).resolve().parents[1]
"The checkout the package is installed from (setup.py maps its folders to actjepa.*)."
CODE_PATHS = ("envs", "world_model", "planner", "benchmarks", "actjepa", "setup.py", "pyproject.toml")
"The paths of the checkout whose changes change what a run computes (docs and tests do not)."


def processor_model() -> str:
    """The CPU's model name from /proc/cpuinfo where there is one, else what `platform` says."""
    try:
        with open("/proc/cpuinfo") as handle:
            return next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine() or "unknown"


def machine_record(device: str = "cpu") -> dict[str, Any]:
    """The machine a result is computed on: processor, cores, torch threads, library versions and device."""
    import mujoco
    import torch

    record: dict[str, Any] = {
        "processor": processor_model(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "mujoco": mujoco.__version__,
        "device": device,
    }
    if device.startswith("cuda") and torch.cuda.is_available():
        record["device_name"] = torch.cuda.get_device_name(torch.device(device))
    return record


def _git(*args: str) -> str | None:
    """Output of a git command in the source checkout, or None where there is no git or no checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(SOURCE_ROOT), *args], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def code_record() -> dict[str, Any]:
    """The commit of the installed source and whether its code differed from it (None outside a git checkout)."""
    commit = _git("rev-parse", "HEAD") if (SOURCE_ROOT / "setup.py").is_file() else None
    if not commit:
        return {"commit": None, "modified": None}
    changes = _git("status", "--porcelain", "--", *CODE_PATHS)
    return {"commit": commit, "modified": bool(changes) if changes is not None else None}


def provenance(device: str = "cpu") -> dict[str, Any]:
    """The `machine` and `code` keys every results file carries."""
    return {"machine": machine_record(device), "code": code_record()}


def write_results_json(path: Path, payload: dict[str, Any], device: str = "cpu") -> None:
    """Write a results file atomically with the machine and code that made it (`device`: where it ran)."""
    write_json_atomic(Path(path), {**payload, **provenance(device)})
