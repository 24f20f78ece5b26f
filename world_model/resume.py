"""Starting a run in a checkpoint folder: a fresh start or a resume, and what a resume must match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from world_model.checkpoint import INFO_FILE
from world_model.config import ModelConfig
from world_model.errors import CheckpointError, WorldModelError
from world_model.train_config import RESUME_MUST_MATCH, TrainConfig

_ELSEWHERE = "use another --out or --force"


def prepare_out_dir(out: Path, resume: bool, force: bool) -> bool:
    """Decide between a fresh start and a resume; True when resuming from an existing checkpoint."""
    has_ckpt = (out / INFO_FILE).is_file()
    if resume:
        if not has_ckpt:
            raise CheckpointError(f"there is no checkpoint in {out} to resume; drop --resume to start a new run")
        return True
    if out.exists() and any(out.iterdir()) and not force:
        what = "a checkpoint" if has_ckpt else "files"
        raise WorldModelError(f"{out} already holds {what}; pass --resume to continue or --force to start over")
    return False


def check_resume(
    info: dict[str, Any], model_cfg: ModelConfig, cfg: TrainConfig, meta: dict[str, Any], out: Path
) -> None:
    """A resumed run must continue the same model on the same task and dataset with the same optimisation."""
    for key in ("task", "dataset_sha256"):
        if meta.get(key) is not None and info.get(key) != meta.get(key):
            raise CheckpointError(
                f"checkpoint in {out} was trained with {key}={info.get(key)!r}, this run has {meta.get(key)!r}; "
                f"{_ELSEWHERE}"
            )
    saved = ModelConfig.from_dict(info["model_config"])
    for key, value in model_cfg.to_dict().items():
        if saved.to_dict()[key] != value:
            raise CheckpointError(
                f"checkpoint in {out} has model {key}={saved.to_dict()[key]!r}, this run asks for {value!r}; "
                f"{_ELSEWHERE}"
            )
    for key in RESUME_MUST_MATCH:
        if key in info.get("train_config", {}) and info["train_config"][key] != getattr(cfg, key):
            raise CheckpointError(
                f"checkpoint in {out} was trained with {key}={info['train_config'][key]!r}, "
                f"this run has {getattr(cfg, key)!r}; {_ELSEWHERE}"
            )
