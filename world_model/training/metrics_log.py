"""The training metrics log: per-interval means of the losses and embedding health, one JSON line per log point.

It owns the aggregation between log points, the JSONL file (appended as training goes, so a killed run keeps
its rows), reading the file back on resume, and the collapse warnings.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

from tqdm import tqdm

from actjepa.common import write_text_atomic
from actjepa.world_model.core.config import ModelConfig
from actjepa.world_model.core.objective import LossOutput
from actjepa.world_model.core.regularizers import effective_rank, embedding_std
from actjepa.world_model.errors import CheckpointError
from actjepa.world_model.training.config import TrainConfig

METRICS_FILE = "metrics.jsonl"


class CollapseWarning(RuntimeWarning):
    """The latents are losing variance or rank during training."""


class TornMetricsWarning(RuntimeWarning):
    """The metrics file ended in a half-written line (the run was killed mid-write); the line was dropped."""


def read_rows(path: Path, up_to: int) -> list[dict[str, Any]]:
    """Rows of a metrics file with step <= up_to; a torn last line is dropped with a one-line warning."""
    if not path.is_file():
        return []
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            if number < len(lines):
                raise CheckpointError(
                    f"{path} line {number} is not JSON; delete the file or start over with --force"
                ) from None
            warnings.warn(
                f"{path}: dropped a half-written last line (the run was stopped while logging)",
                TornMetricsWarning,
                stacklevel=2,
            )
    return [r for r in rows if r["step"] <= up_to]


class MetricsLog:
    """Sums the losses of the steps since the last log point and writes their means at each log point."""

    def __init__(self, out: Path, model_cfg: ModelConfig, cfg: TrainConfig, resume_from: int | None = None) -> None:
        """Start the log in `out`: empty for a fresh run, the rows up to step `resume_from` for a resumed one."""
        self.path = Path(out) / METRICS_FILE
        self.model_cfg = model_cfg
        self.cfg = cfg
        self.rows: list[dict[str, Any]] = [] if resume_from is None else read_rows(self.path, resume_from)
        write_text_atomic(self.path, "".join(json.dumps(r) + "\n" for r in self.rows))
        self._sums: dict[str, float] = {}
        self._count = 0
        self._tick = time.perf_counter()

    def add(self, step: int, total: float, losses: LossOutput) -> dict[str, Any] | None:
        """Account for optimizer step `step` (0-based); at a log point, write and return the new row."""
        self._sums["loss"] = self._sums.get("loss", 0.0) + total
        for key, value in losses.parts.items():
            self._sums[key] = self._sums.get(key, 0.0) + float(value.detach())
        self._count += 1
        done = step + 1
        if done % self.cfg.log_every and done != self.cfg.steps:
            return None
        row = {
            "step": done,
            **{k: v / self._count for k, v in self._sums.items()},
            "lr": self.cfg.lr_at(step),
            "emb_std": embedding_std(losses.latents),
            "eff_rank": effective_rank(losses.latents),
            "steps_per_s": self._count / max(time.perf_counter() - self._tick, 1e-9),
        }
        self.rows.append(row)
        with open(self.path, "a") as handle:
            handle.write(json.dumps(row) + "\n")
        self._warn_collapse(row)
        self._sums, self._count, self._tick = {}, 0, time.perf_counter()
        return row

    def _warn_collapse(self, row: dict[str, Any]) -> None:
        """Loud warning when the ACT-JEPA latents lose variance or rank (BC has no such objective)."""
        cfg = self.cfg
        if self.model_cfg.is_bc or row["step"] <= cfg.optim.warmup_steps:
            return
        rank_floor = cfg.collapse_rank_fraction * self.model_cfg.latent_dim
        if row["emb_std"] < cfg.collapse_std or row["eff_rank"] < rank_floor:
            msg = (
                f"WARNING step {row['step']}: latents are collapsing (embedding std {row['emb_std']:.3g} < "
                f"{cfg.collapse_std} or effective rank {row['eff_rank']:.1f} < {rank_floor:.1f}); "
                "try the other --regularizer (vicreg or sigreg)"
            )
            tqdm.write(msg)
            warnings.warn(msg, CollapseWarning, stacklevel=3)


def progress_postfix(row: dict[str, Any]) -> dict[str, str]:
    """The few numbers the progress bar shows after each log point."""
    return {
        "loss": f"{row['loss']:.3f}",
        "act": f"{row['action']:.3f}",
        "lat": f"{row['latent']:.3f}",
        "pred": f"{row['predictor']:.3f}",
        "std": f"{row['emb_std']:.2f}",
        "rank": f"{row['eff_rank']:.1f}",
    }
