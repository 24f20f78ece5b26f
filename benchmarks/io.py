"""Non-clobbering, atomic file output for everything the command line writes, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from actjepa.benchmarks.errors import UserError
from actjepa.common import write_text_atomic

__all__ = ["ensure_writable", "read_json", "write_json_atomic", "write_text_atomic"]


def ensure_writable(path: Path, force: bool) -> None:
    """Refuse to replace an existing file or non-empty folder unless the user passed --force."""
    if path.exists() and not force:
        if path.is_dir() and not any(path.iterdir()):
            return
        raise UserError(f"{path} already exists; pass --force to overwrite it or choose another --out")


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write JSON atomically, with stable key order so reruns diff cleanly."""
    write_text_atomic(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")


def read_json(path: Path) -> Any:
    """Read a JSON file the project wrote, with a one-line error when it is missing or malformed."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise UserError(f"{path} does not exist; run the command that writes it first") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}); delete it and rerun") from None
