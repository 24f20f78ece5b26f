"""Checkpoints: a folder with model.safetensors, checkpoint.json and trainer_state.safetensors.

Every file is written atomically (temporary file in the same folder, then os.replace), the
trainer state first and checkpoint.json last, and each records the step so a torn write is
detected. Loading never unpickles: weights and optimizer state are safetensors, the rest JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from actjepa_common import atomic_write, package_version
from world_model.config import ModelConfig
from world_model.errors import CheckpointError
from world_model.model import ActJepa

SCHEMA_VERSION = 1
MODEL_FILE = "model.safetensors"
INFO_FILE = "checkpoint.json"
TRAINER_FILE = "trainer_state.safetensors"


def _tensors(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu").contiguous().clone() for k, v in state.items()}


def save_checkpoint(out_dir: str | Path, model: ActJepa, step: int, meta: dict[str, Any],
                    train_config: dict[str, Any] | None = None, optimizer: torch.optim.Optimizer | None = None,
                    generator: torch.Generator | None = None) -> None:
    """Write the checkpoint folder; meta holds task, obs_mode and dataset_sha256."""
    out = Path(out_dir)
    stamp = {"step": str(step), "schema_version": str(SCHEMA_VERSION)}
    if optimizer is not None:
        state = _optimizer_tensors(optimizer)
        if generator is not None:
            state["rng.train_generator"] = generator.get_state()
        atomic_write(out / TRAINER_FILE, lambda p: save_file(_tensors(state), p, metadata=stamp))
    atomic_write(out / MODEL_FILE, lambda p: save_file(_tensors(model.state_dict()), p, metadata=stamp))
    info = {
        "schema_version": SCHEMA_VERSION,
        "step": int(step),
        "model_config": model.cfg.to_dict(),
        "train_config": train_config or {},
        "task": meta.get("task"),
        "obs_mode": model.cfg.obs_mode,
        "dataset_sha256": meta.get("dataset_sha256"),
        "package_version": package_version(),
        "normalization": {k: getattr(model, k).cpu().tolist() for k in ("obs_mean", "obs_std", "action_mean", "action_std")},
    }
    text = json.dumps(info, indent=2, sort_keys=True) + "\n"
    atomic_write(out / INFO_FILE, lambda p: Path(p).write_text(text))


def read_info(path: str | Path) -> dict[str, Any]:
    """checkpoint.json of a checkpoint folder, with its schema version checked."""
    folder = Path(path)
    info_path = folder / INFO_FILE
    if not info_path.is_file():
        raise CheckpointError(f"{folder} is not a checkpoint (no {INFO_FILE}); pass the folder `actjepa train --out` wrote")
    try:
        info = json.loads(info_path.read_text())
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{info_path} is not valid JSON ({exc.msg}); the checkpoint is damaged, retrain or restore it") from None
    version = info.get("schema_version")
    if version != SCHEMA_VERSION:
        raise CheckpointError(f"checkpoint schema version {version} does not match this package's version {SCHEMA_VERSION}; retrain the model")
    return info


def read_tensors(path: Path, device: str | torch.device = "cpu") -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    if not path.is_file():
        raise CheckpointError(f"{path} is missing; the checkpoint is incomplete, retrain or restore it")
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt", device="cpu") as handle:
            file_meta = handle.metadata() or {}
        tensors = load_file(str(path), device=str(device))
    except (SafetensorError, OSError) as exc:
        raise CheckpointError(f"{path} is not a readable safetensors file ({exc}); retrain or restore it") from None
    return tensors, file_meta


def check_state(expected: dict[str, torch.Tensor], got: dict[str, torch.Tensor], path: Path) -> None:
    missing = sorted(set(expected) - set(got))
    unexpected = sorted(set(got) - set(expected))
    if missing:
        raise CheckpointError(f"{path} lacks weights {missing[:3]}{'...' if len(missing) > 3 else ''}; it was saved by a different model")
    if unexpected:
        raise CheckpointError(f"{path} has unexpected weights {unexpected[:3]}{'...' if len(unexpected) > 3 else ''}; it was saved by a different model")
    for key, tensor in expected.items():
        if tuple(got[key].shape) != tuple(tensor.shape):
            raise CheckpointError(f"weight {key} in {path} has shape {tuple(got[key].shape)}, the model expects {tuple(tensor.shape)}")


def _placeholder_stats(cfg: ModelConfig) -> dict[str, np.ndarray]:
    n = 3 if cfg.obs_mode == "pixels" else cfg.obs_shape[0]
    return {"obs_mean": np.zeros(n), "obs_std": np.ones(n), "action_mean": np.zeros(cfg.action_dim),
            "action_std": np.ones(cfg.action_dim)}


def load_model(path: str | Path, device: str | torch.device = "cpu", expect_task: str | None = None) -> tuple[ActJepa, dict[str, Any]]:
    """Rebuild a model from a checkpoint folder -> (model in eval mode on `device`, checkpoint.json contents)."""
    folder = Path(path)
    info = read_info(folder)
    if expect_task is not None and info.get("task") != expect_task:
        raise CheckpointError(f"checkpoint {folder} was trained on task {info.get('task')!r}, not {expect_task!r}; pass a checkpoint of that task")
    cfg = ModelConfig.from_dict(info["model_config"])
    model = ActJepa(cfg, _placeholder_stats(cfg))
    tensors, file_meta = read_tensors(folder / MODEL_FILE)
    if file_meta.get("step") not in (None, str(info.get("step"))):
        raise CheckpointError(f"{folder / MODEL_FILE} is from step {file_meta.get('step')} but {INFO_FILE} says {info.get('step')}; the checkpoint was torn, restore it")
    check_state(model.state_dict(), tensors, folder / MODEL_FILE)
    model.load_state_dict(tensors, strict=True)
    return model.to(device).eval(), info


def _optimizer_tensors(optimizer: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    out = {}
    for idx, slots in optimizer.state_dict()["state"].items():
        for name, value in slots.items():
            out[f"optimizer.{idx}.{name}"] = torch.as_tensor(value)
    return out


def load_trainer_state(path: str | Path, optimizer: torch.optim.Optimizer, generator: torch.Generator,
                       expect_step: int) -> None:
    """Restore optimizer slots and the training RNG saved next to the model at `expect_step`."""
    file = Path(path) / TRAINER_FILE
    tensors, file_meta = read_tensors(file)
    if file_meta.get("step") != str(expect_step):
        raise CheckpointError(f"{file} is from step {file_meta.get('step')}, the model from step {expect_step}; the checkpoint was torn, restore it or pass --force")
    state = optimizer.state_dict()
    slots: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            _, idx, name = key.split(".", 2)
            slots.setdefault(int(idx), {})[name] = value
    n_params = sum(len(g["params"]) for g in state["param_groups"])
    if any(i >= n_params for i in slots):  # parameters that never got a gradient (BC's latent tokens) have no slots
        raise CheckpointError(f"{file} holds optimizer state for {len(slots)} parameters, the model has a different number; it was saved by a different model")
    state["state"] = slots
    optimizer.load_state_dict(state)
    if "rng.train_generator" not in tensors:
        raise CheckpointError(f"{file} lacks the training RNG state; it was written by another version, pass --force to start over")
    generator.set_state(tensors["rng.train_generator"].to(torch.uint8))
