"""Checkpoints: a folder with model.safetensors, checkpoint.json and trainer_state.safetensors.

All files are first written to temporary files in the same folder and only then renamed
into place, the trainer state first and checkpoint.json last, so a failed write (full disk)
changes nothing, and each records the step so a crash between the renames is detected. Loading never
unpickles: weights and optimizer state are safetensors, the rest JSON.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from actjepa.common import package_version
from actjepa.world_model.core.config import ModelConfig
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.errors import CheckpointError, WorldModelError
from actjepa.world_model.training.device import check_device
from actjepa.world_model.training.file_modes import replace_keeping_mode, write_failure_message

SCHEMA_VERSION = 1
MODEL_FILE = "model.safetensors"
INFO_FILE = "checkpoint.json"
TRAINER_FILE = "trainer_state.safetensors"
DECODER_FILE = "decoder.safetensors"
DECODER_INFO_FILE = "decoder.json"
"""The latent decoder `actjepa decoder` fits beside a checkpoint's weights (world_model/decoder/), named here with
the folder's other files so that training knows them without importing the decoder."""


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Call write(tmp_path) then rename the temporary file onto `path` (umask mode if new, else its old mode)."""
    atomic_write_all([(path, write)])


def atomic_write_all(files: list[tuple[Path, Callable[[str], None]]]) -> None:
    """Write every file to a temporary file next to it, then rename them into place in order.

    A failed write (full disk, no permission, a file where a folder should be) changes none
    of the files and raises a one-line CheckpointError; only a crash between the renames
    can leave some replaced, which the step stamps in every file detect.
    """
    temps: list[tuple[str, Path]] = []
    current = files[0][0] if files else Path()
    try:
        for current, write in files:
            current.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{current.name}.", suffix=".tmp", dir=current.parent)
            os.close(fd)
            temps.append((tmp, current))
            write(tmp)
        for tmp, current in temps:
            replace_keeping_mode(tmp, current)
    except BaseException as exc:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise CheckpointError(write_failure_message(current, exc)) from None
        raise


def _tensors(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu").contiguous().clone() for k, v in state.items()}


def save_checkpoint(
    out_dir: str | Path,
    model: ActJepa,
    step: int,
    meta: dict[str, Any],
    train_config: dict[str, Any] | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    generator: torch.Generator | None = None,
) -> None:
    """Write the checkpoint folder; meta holds task, dataset_sha256 and world_size (training processes, 1 if absent)."""
    out = Path(out_dir)
    stamp = {"step": str(step), "schema_version": str(SCHEMA_VERSION)}
    files = []
    if optimizer is not None:
        state = _optimizer_tensors(optimizer)
        if generator is not None:
            state["rng.train_generator"] = generator.get_state()
        files.append((out / TRAINER_FILE, lambda p: save_file(_tensors(state), p, metadata=stamp)))
    files.append((out / MODEL_FILE, lambda p: save_file(_tensors(model.state_dict()), p, metadata=stamp)))
    info = {
        "schema_version": SCHEMA_VERSION,
        "step": int(step),
        "model_config": model.cfg.to_dict(),
        "train_config": train_config or {},
        "task": meta.get("task"),
        "obs_mode": model.cfg.obs_mode,
        "dataset_sha256": meta.get("dataset_sha256"),
        "world_size": int(meta.get("world_size") or 1),
        "package_version": package_version(),
        "normalization": {
            k: getattr(model, k).cpu().tolist() for k in ("obs_mean", "obs_std", "action_mean", "action_std")
        },
    }
    text = json.dumps(info, indent=2, sort_keys=True) + "\n"
    files.append((out / INFO_FILE, lambda p: Path(p).write_text(text)))
    atomic_write_all(files)


INFO_FIELDS = {"step": int, "model_config": dict, "obs_mode": str, "task": (str, type(None))}
"""Fields of checkpoint.json that loading relies on, with their JSON types."""


def read_info(path: str | Path) -> dict[str, Any]:
    """checkpoint.json of a checkpoint folder, with its schema version and required fields checked."""
    folder = Path(path)
    info_path = folder / INFO_FILE
    if not info_path.is_file():
        raise CheckpointError(
            f"{folder} is not a checkpoint (no {INFO_FILE}); pass the folder `actjepa train --out` wrote"
        )
    damaged = "the checkpoint is damaged, retrain or restore it"
    try:
        info = json.loads(info_path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise CheckpointError(f"{info_path} is not text (not UTF-8); {damaged}") from None
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{info_path} is not valid JSON ({exc.msg}); {damaged}") from None
    except OSError as exc:
        raise CheckpointError(f"{info_path} cannot be read ({exc.strerror or exc}); check its permissions") from None
    if not isinstance(info, dict):
        raise CheckpointError(f"{info_path} holds a JSON {type(info).__name__}, not an object; {damaged}")
    version = info.get("schema_version")
    if version != SCHEMA_VERSION:
        raise CheckpointError(
            f"checkpoint schema version {version} does not match this package's version {SCHEMA_VERSION}; "
            "retrain the model"
        )
    for key, kind in INFO_FIELDS.items():
        if key not in info:
            raise CheckpointError(f"{info_path} lacks {key!r}; {damaged}")
        if not isinstance(info[key], kind) or isinstance(info[key], bool):
            raise CheckpointError(f"{info_path} has {key}={info[key]!r} of the wrong type; {damaged}")
    return info


def read_tensors(path: Path, device: str | torch.device = "cpu") -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of a safetensors file; a damaged or foreign file is a one-line CheckpointError."""
    if not path.is_file():
        raise CheckpointError(f"{path} is missing; the checkpoint is incomplete, retrain or restore it")
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt", device="cpu") as handle:
            file_meta = handle.metadata() or {}
        tensors = load_file(str(path), device=str(device))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:100]
        raise CheckpointError(f"{path} is not a readable safetensors file ({reason}); retrain or restore it") from None
    return tensors, file_meta


def check_state(expected: dict[str, torch.Tensor], got: dict[str, torch.Tensor], path: Path) -> None:
    missing = sorted(set(expected) - set(got))
    unexpected = sorted(set(got) - set(expected))
    if missing:
        raise CheckpointError(
            f"{path} lacks weights {missing[:3]}{'...' if len(missing) > 3 else ''}; it was saved by a different model"
        )
    if unexpected:
        raise CheckpointError(
            f"{path} has unexpected weights {unexpected[:3]}{'...' if len(unexpected) > 3 else ''}; "
            "it was saved by a different model"
        )
    for key, tensor in expected.items():
        if tuple(got[key].shape) != tuple(tensor.shape):
            raise CheckpointError(
                f"weight {key} in {path} has shape {tuple(got[key].shape)}, the model expects {tuple(tensor.shape)}"
            )
        if got[key].dtype.is_floating_point != tensor.dtype.is_floating_point:
            raise CheckpointError(
                f"weight {key} in {path} has dtype {got[key].dtype}, the model expects {tensor.dtype}; "
                "it was saved by a different model"
            )


def _placeholder_stats(cfg: ModelConfig) -> dict[str, np.ndarray]:
    n = 3 if cfg.obs_mode == "pixels" else cfg.obs_shape[0]
    return {
        "obs_mean": np.zeros(n),
        "obs_std": np.ones(n),
        "action_mean": np.zeros(cfg.action_dim),
        "action_std": np.ones(cfg.action_dim),
    }


def _build_model(info: dict[str, Any], info_path: Path) -> ActJepa:
    """The model checkpoint.json describes (placeholder statistics; the weights bring the real ones)."""
    try:
        cfg = ModelConfig.from_dict(info["model_config"])
        return ActJepa(cfg, _placeholder_stats(cfg))
    except WorldModelError as exc:
        raise CheckpointError(f"{info_path}: {exc}") from None
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RuntimeError) as exc:
        raise CheckpointError(
            f"{info_path} has an unusable model_config ({type(exc).__name__}: "
            f"{str(exc)[:80]}); it was written by another version or damaged, retrain the model"
        ) from None


def load_model(
    path: str | Path, device: str | torch.device = "cpu", expect_task: str | None = None
) -> tuple[ActJepa, dict[str, Any]]:
    """Rebuild a model from a checkpoint folder -> (model in eval mode on `device`, checkpoint.json contents)."""
    folder = Path(path)
    device = check_device(device)
    info = read_info(folder)
    if expect_task is not None and info.get("task") != expect_task:
        raise CheckpointError(
            f"checkpoint {folder} was trained on task {info.get('task')!r}, not {expect_task!r}; "
            "pass a checkpoint of that task"
        )
    model = _build_model(info, folder / INFO_FILE)
    tensors, file_meta = read_tensors(folder / MODEL_FILE)
    if file_meta.get("step") not in (None, str(info.get("step"))):
        raise CheckpointError(
            f"{folder / MODEL_FILE} is from step {file_meta.get('step')} but {INFO_FILE} says {info.get('step')}; "
            "the checkpoint was torn, restore it"
        )
    check_state(model.state_dict(), tensors, folder / MODEL_FILE)
    model.load_state_dict(tensors, strict=True)
    return model.to(device).eval(), info


def _optimizer_tensors(optimizer: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    out = {}
    for idx, slots in optimizer.state_dict()["state"].items():
        for name, value in slots.items():
            out[f"optimizer.{idx}.{name}"] = torch.as_tensor(value)
    return out


def load_trainer_state(
    path: str | Path, optimizer: torch.optim.Optimizer, generator: torch.Generator, expect_step: int
) -> None:
    """Restore optimizer slots and the training RNG saved next to the model at `expect_step`."""
    file = Path(path) / TRAINER_FILE
    tensors, file_meta = read_tensors(file)
    if file_meta.get("step") != str(expect_step):
        raise CheckpointError(
            f"{file} is from step {file_meta.get('step')}, the model from step {expect_step}; "
            "the checkpoint was torn, restore it or pass --force"
        )
    state = optimizer.state_dict()
    state["state"] = _optimizer_slots(tensors, optimizer, file)
    optimizer.load_state_dict(state)
    if "rng.train_generator" not in tensors:
        raise CheckpointError(
            f"{file} lacks the training RNG state; it was written by another version, pass --force to start over"
        )
    try:
        generator.set_state(tensors["rng.train_generator"].to(torch.uint8))
    except (RuntimeError, ValueError, TypeError):
        raise CheckpointError(
            f"{file} holds a training RNG state of the wrong size; it is damaged, restore it or pass --force"
        ) from None


def _optimizer_slots(
    tensors: dict[str, torch.Tensor], optimizer: torch.optim.Optimizer, file: Path
) -> dict[int, dict[str, torch.Tensor]]:
    """Optimizer slots `optimizer.<param index>.<name>` keyed like torch's state dict, checked against the params."""
    params = [p for group in optimizer.param_groups for p in group["params"]]
    different = "it was saved by a different model, pass --force to start over"
    slots: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if not key.startswith("optimizer."):
            continue
        _, idx, name = (key.split(".", 2) + ["", ""])[:3]
        if not idx.isdigit() or not name:
            raise CheckpointError(f"{file} has a malformed optimizer entry {key!r}; {different}")
        slots.setdefault(int(idx), {})[name] = value
    if any(i >= len(params) for i in slots):  # parameters that never got a gradient (BC's latent tokens) have no slots
        raise CheckpointError(
            f"{file} holds optimizer state for {len(slots)} parameters, the model has a different number; {different}"
        )
    for i, named in slots.items():
        for name, value in named.items():
            if value.dim() > 0 and tuple(value.shape) != tuple(params[i].shape):
                raise CheckpointError(
                    f"{file}: optimizer {name} of parameter {i} has shape {tuple(value.shape)}, "
                    f"the parameter {tuple(params[i].shape)}; {different}"
                )
    return slots
