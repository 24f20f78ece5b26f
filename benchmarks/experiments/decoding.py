"""Fit the imagined-frame decoder of a checkpoint on a dataset: the glue between envs' datasets and world_model.

Every check that can fail runs before the model is loaded or anything is written: the checkpoint holds a
model, no decoder is there yet (unless forced), the dataset is of the checkpoint's task, observation mode and
observation shape, and it has episodes to hold out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from actjepa.benchmarks.errors import UserError
from actjepa.world_model.decoder.data import DecoderData
from actjepa.world_model.decoder.model import DECODER_FILE, DECODER_INFO_FILE, DecoderConfig


def check_checkpoint(folder: Path) -> dict[str, Any]:
    """checkpoint.json of a folder that holds a model (one-line errors otherwise)."""
    from actjepa.world_model.training.checkpoint import MODEL_FILE, read_info

    if not folder.exists():
        raise UserError(f"--checkpoint {folder} does not exist; pass the folder `actjepa train --out` wrote")
    if not folder.is_dir():
        raise UserError(f"--checkpoint {folder} is a file; pass the folder `actjepa train --out` wrote")
    info = read_info(folder)
    if not (folder / MODEL_FILE).is_file():
        raise UserError(f"{folder} has no {MODEL_FILE}; the checkpoint is incomplete, retrain or restore it")
    return info


def check_no_decoder(folder: Path, force: bool) -> None:
    """Refuse to replace a decoder already in `folder` unless `force`."""
    for name in (DECODER_INFO_FILE, DECODER_FILE):
        if (folder / name).exists() and not force:
            raise UserError(f"{folder} already holds a decoder ({name}); pass --force to replace it")


def load_decoder_data(data: Path, info: dict[str, Any], cfg: DecoderConfig) -> tuple[DecoderData, str]:
    """The dataset's episodes and held-out split, checked against the checkpoint's model, and the file's SHA-256."""
    import numpy as np

    from actjepa.envs.dataset import check_dataset_task, load_dataset, split_episodes

    dataset = load_dataset(data)
    check_dataset_task(
        dataset, info["task"], info["obs_mode"], data, context="the checkpoint's model was trained on it"
    )
    want = tuple(info["model_config"]["obs_shape"])
    if tuple(dataset.observations.shape[2:]) != want:
        raise UserError(
            f"dataset {data} holds observations of shape {dataset.observations.shape[2:]}, the model reads {want}; "
            "pass the dataset the model was trained on"
        )
    train_idx, val_idx = split_episodes(dataset.num_episodes, cfg.val_fraction, cfg.seed)
    if val_idx.size == 0:
        raise UserError(
            f"dataset {data} has {dataset.num_episodes} episode(s), too few to hold one out at --val-fraction "
            f"{cfg.val_fraction}; raise it or collect more episodes"
        )
    return DecoderData(
        observations=dataset.observations,
        actions=dataset.actions,
        achieved_goals=dataset.achieved_goals,
        train_episodes=np.asarray(train_idx),
        heldout_episodes=np.asarray(val_idx),
    ), dataset.sha256


def fit_checkpoint_decoder(
    checkpoint: Path, data: Path, cfg: DecoderConfig, force: bool = False, progress: bool = True
) -> dict[str, Any]:
    """Train the decoder of `checkpoint` on `data`, write decoder.safetensors and decoder.json, return the report."""
    from actjepa.world_model import load_model
    from actjepa.world_model.decoder.model import save_decoder
    from actjepa.world_model.decoder.train import train_decoder

    info = check_checkpoint(checkpoint)
    check_no_decoder(checkpoint, force)
    decoder_data, dataset_sha = load_decoder_data(data, info, cfg)
    model, info = load_model(checkpoint, device=cfg.device)
    decoder, report = train_decoder(model, decoder_data, cfg, progress=progress)
    report.update(
        task=info["task"],
        obs_mode=info["obs_mode"],
        model_step=info["step"],
        dataset=str(data),
        dataset_sha256=dataset_sha,
    )
    save_decoder(checkpoint, decoder, cfg, report)
    return report


def summary(checkpoint: Path, report: dict[str, Any]) -> str:
    """What a user reads after fitting: where the decoder is, and how far its pictures can be trusted."""
    held, imagined = report["heldout"], report["imagined"]
    lines = [
        f"wrote {checkpoint / DECODER_FILE} and {checkpoint / DECODER_INFO_FILE}",
        f"held-out reconstruction error {held['observation_error']:.3f} (predicting the mean: "
        f"{held['mean_baseline']:.3f}; per dimension, 1.0 = the variance), goal error {held['goal_error']:.4f}",
    ]
    if imagined["steps"]:
        errors = "/".join(f"{e:.3f}" for e in imagined["observation_error"])
        steps = "/".join(str(s) for s in imagined["steps"])
        lines.append(f"imagined frames after {steps} steps: error {errors}")
    return "\n".join(lines)
