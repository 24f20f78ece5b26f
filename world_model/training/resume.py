"""Starting a run in a checkpoint folder: a fresh start or a resume, and what a resume must match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from actjepa.world_model.core.config import ModelConfig
from actjepa.world_model.errors import CheckpointError, WorldModelError
from actjepa.world_model.training.checkpoint import (
    DECODER_FILE,
    DECODER_INFO_FILE,
    INFO_FILE,
    MODEL_FILE,
    TRAINER_FILE,
)
from actjepa.world_model.training.config import TrainConfig, resolved_by_mode
from actjepa.world_model.training.metrics_log import METRICS_FILE

_ELSEWHERE = "use another --out or --force"


RUN_FILES = (
    INFO_FILE,
    MODEL_FILE,
    TRAINER_FILE,
    METRICS_FILE,
    "loss_curves.png",
    "embedding_health.png",
    "open_loop.png",
    "open_loop.json",
    "calibration.json",
    "calibration.png",
    DECODER_FILE,
    DECODER_INFO_FILE,
)
"""The files a training run writes in its folder (calibration.*: the goal calibration `actjepa train` adds; decoder.*:
`actjepa decoder`, fitted to the weights a new run replaces); --force removes these (and their temporaries), nothing
else."""


def is_run_file(name: str) -> bool:
    """Whether a file named `name` in a run folder was written by a run (a RUN_FILES name or its temporary)."""
    return name in RUN_FILES or any(name.startswith(f".{run}.") and ".tmp" in name for run in RUN_FILES)


def prepare_out_dir(out: Path, resume: bool, force: bool) -> bool:
    """Decide between a fresh start and a resume (check_out_dir); True when resuming from a checkpoint.

    A fresh start with `force` removes the previous run's files.
    """
    resuming = check_out_dir(out, resume, force)
    if not resuming and force and out.is_dir():
        for path in sorted(out.iterdir()):
            path.unlink()
    return resuming


def check_out_dir(out: Path, resume: bool, force: bool) -> bool:
    """Decide between a fresh start and a resume without touching the folder; True when resuming.

    A fresh start with `force` may replace a previous run's files only: it refuses when the folder holds
    anything else. The messages never send the user in a circle: each names an option that works from
    where they are.
    """
    if out.exists() and not out.is_dir():
        raise WorldModelError(f"--out {out} is a file, not a folder; choose a folder path for --out")
    entries = sorted(out.iterdir()) if out.is_dir() else []
    foreign = [p.name for p in entries if not (p.is_file() and is_run_file(p.name))]
    has_ckpt = (out / INFO_FILE).is_file()
    if resume:
        if has_ckpt:
            return True
        if not entries:
            raise CheckpointError(f"there is no checkpoint in {out} to resume; drop --resume to start a new run")
        if foreign:
            raise CheckpointError(
                f"there is no checkpoint in {out} to resume and it holds other files "
                f"({foreign[0]}); choose another --out"
            )
        raise CheckpointError(
            f"{out} holds a run that stopped before its first checkpoint, which cannot resume; "
            f"pass --force instead of --resume to start it over"
        )
    if not entries:
        return False
    if foreign:
        keep = "pass --resume to continue or choose another --out" if has_ckpt else "choose another --out"
        raise WorldModelError(
            f"{out} holds files a training run does not write ({foreign[0]}); {keep} "
            f"(--force removes only a run's own files)"
        )
    if not force:
        if has_ckpt:
            raise WorldModelError(
                f"{out} already holds a checkpoint; pass --resume to continue or --force to start over"
            )
        raise WorldModelError(f"{out} holds a run that stopped before its first checkpoint; pass --force to start over")
    return False


def check_world_size(info: dict[str, Any], world_size: int, out: Path) -> None:
    """A run resumes on as many processes as it was trained on (checkpoints before the field: 1)."""
    saved = int(info.get("world_size") or 1)
    if saved != world_size:
        raise CheckpointError(
            f"checkpoint in {out} was trained on {saved} process{'es' if saved > 1 else ''}, this run has "
            f"{world_size}; resume it with --nproc-per-node {saved} or start over with --force"
        )


def check_resume(
    info: dict[str, Any], model_cfg: ModelConfig, cfg: TrainConfig, meta: dict[str, Any], out: Path
) -> None:
    """A resumed run must continue the same model on the same task and dataset with the same optimisation,
    on the same number of processes (meta["world_size"], 1 if absent)."""
    check_world_size(info, int(meta.get("world_size") or 1), out)
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
    check_optimisation(info, cfg, out, model_cfg.obs_mode)


def check_optimisation(info: dict[str, Any], cfg: TrainConfig, out: Path, obs_mode: str) -> None:
    """The run keeps every optimisation and loss setting the checkpoint was trained with (cfg.must_match).

    checkpoint.json keeps the settings by their flat names, as every version wrote them. Settings whose None
    means "by observation mode" are compared resolved for the model's mode, and those a checkpoint predates as
    what it was trained with (PREDATED_VALUES); any other setting a checkpoint predates is not compared."""
    saved = info.get("train_config", {})
    if not isinstance(saved, dict):
        raise CheckpointError(
            f"checkpoint in {out} records its training settings as a {type(saved).__name__}, not a mapping; "
            "it is damaged, start over with --force"
        )
    saved = resolved_by_mode(saved, obs_mode)
    for key, value in cfg.must_match(obs_mode).items():
        if key in saved and saved[key] != value:
            raise CheckpointError(
                f"checkpoint in {out} was trained with {key}={saved[key]!r}, this run has {value!r}; pass "
                f"--{key.replace('_', '-')} {saved[key]} to continue it, or {_ELSEWHERE}"
            )
