"""A decoder from latents back to observations, fitted after the fact on a frozen world model.

JEPA latents are not images. To show people what the model imagines (the frames of a plan's latent
trajectory), a small decoder is trained on (encoder latent of an observation -> that observation) pairs
with no gradient into the world model, as DINO-WM does for its pictures. It also reads the achieved goal
out of a latent, for tasks whose scene cannot be drawn from an observation. Nothing that plans uses it.

Shapes: D latent dims, G goal dims; state observations (obs_dim,), pixel frames (H, W, 3) uint8.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import save_file
from torch import Tensor, nn

from actjepa.common import file_sha256, package_version
from actjepa.world_model.core.config import ModelConfig
from actjepa.world_model.errors import CheckpointError, WorldModelError
from actjepa.world_model.training.checkpoint import (
    DECODER_FILE,
    DECODER_INFO_FILE,
    MODEL_FILE,
    atomic_write_all,
    check_state,
    read_tensors,
)

DECODER_SCHEMA_VERSION = 1
STAT_KEYS = ("obs_mean", "obs_std", "goal_mean", "goal_std")
"Normalisation statistics a decoder carries: the world model's observation ones, its training data's goal ones."
PIXEL_UPSAMPLING = 16
"The pixel decoder doubles its feature map four times: frame sides must be multiples of 16 (64 -> from 4)."


@dataclass(frozen=True)
class DecoderConfig:
    """How the latent decoder is built and trained (saved in decoder.json)."""

    hidden: int = 256
    "Hidden width of the decoder's MLP (all of it for state models; the trunk before the pixel upsampling)."
    channels: int = 32
    "Channels of the pixel decoder's transposed convolutions (twice this at the coarsest map; unused for states)."
    steps: int = 2000
    "Optimizer steps."
    batch_size: int = 256
    "(latent, observation) pairs per step."
    lr: float = 1e-3
    "Peak AdamW learning rate (cosine decay to zero over the steps)."
    seed: int = 0
    "Seed of the initialisation, the batches and the held-out episode split."
    val_fraction: float = 0.1
    """Share of the dataset's episodes held out to measure the decoder; with the defaults here and in `actjepa train`
    and the file the model was trained on, these are the episodes training held out too."""
    rollout_steps: tuple[int, ...] = (1, 8, 16)
    "Rollout steps at which the decoded imagined observations are compared with the real ones."
    eval_starts_per_episode: int = 16
    "Evenly spaced rollout starts per held-out episode for that comparison."
    device: str = "cpu"
    "'cpu' or 'cuda'."

    def __post_init__(self) -> None:
        object.__setattr__(self, "rollout_steps", tuple(int(s) for s in self.rollout_steps))
        for name in ("hidden", "channels", "steps", "batch_size", "eval_starts_per_episode"):
            if getattr(self, name) < 1:
                raise WorldModelError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if not 0 < self.lr < float("inf"):
            raise WorldModelError(f"--lr must be a positive number, got {self.lr}")
        if not 0.0 < self.val_fraction < 1.0:
            raise WorldModelError(f"--val-fraction must be between 0 and 1 (both excluded), got {self.val_fraction}")
        if not self.rollout_steps or min(self.rollout_steps) < 1:
            raise WorldModelError(f"--rollout-steps must be step counts of at least 1, got {list(self.rollout_steps)}")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rollout_steps": list(self.rollout_steps)}


class PixelHead(nn.Module):
    """Hidden features (..., hidden) -> normalised frames (..., 3, H, W): a projection to a coarse map, then
    four stride-2 transposed convolutions, mirroring the encoder's strided CNN."""

    def __init__(self, hidden: int, channels: int, image_hw: tuple[int, int]) -> None:
        super().__init__()
        if image_hw[0] % PIXEL_UPSAMPLING or image_hw[1] % PIXEL_UPSAMPLING:
            raise WorldModelError(f"the pixel decoder needs frame sides divisible by 16, got {image_hw}")
        c = channels
        self.start = (2 * c, image_hw[0] // PIXEL_UPSAMPLING, image_hw[1] // PIXEL_UPSAMPLING)
        self.proj = nn.Sequential(nn.Linear(hidden, int(np.prod(self.start))), nn.SiLU())
        widths = (2 * c, 2 * c, c, c)
        layers: list[nn.Module] = []
        for c_in, c_out in zip(widths, (*widths[1:], 3), strict=True):
            layers += [nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1), nn.SiLU()]
        self.deconv = nn.Sequential(*layers[:-1])  # no activation on the output frame

    def forward(self, h: Tensor) -> Tensor:
        lead = h.shape[:-1]
        x = self.proj(h).reshape(-1, *self.start)
        y = self.deconv(x)
        return y.reshape(*lead, *y.shape[-3:])


class LatentDecoder(nn.Module):
    """Latents (..., D) -> the observation and achieved goal they encode.

    forward() works in normalised units (the world model's observation normalisation, the goal statistics of the
    decoder's training data); decode() returns raw units: state vectors, or uint8 HWC frames for pixel models.
    """

    def __init__(self, model_cfg: ModelConfig, cfg: DecoderConfig, stats: dict[str, Tensor]) -> None:
        super().__init__()
        self.pixels = model_cfg.obs_mode == "pixels"
        self.obs_shape = model_cfg.obs_shape
        self.latent_dim = model_cfg.latent_dim
        goal_dim = int(stats["goal_mean"].numel())
        self.trunk = nn.Sequential(
            nn.Linear(model_cfg.latent_dim, cfg.hidden), nn.SiLU(), nn.Linear(cfg.hidden, cfg.hidden), nn.SiLU()
        )
        if self.pixels:
            self.obs_head: nn.Module = PixelHead(cfg.hidden, cfg.channels, model_cfg.obs_shape[:2])
        else:
            self.obs_head = nn.Linear(cfg.hidden, model_cfg.obs_shape[0])
        self.goal_head = nn.Linear(cfg.hidden, goal_dim)
        for key in STAT_KEYS:
            self.register_buffer(key, torch.as_tensor(stats[key], dtype=torch.float32).reshape(-1).clone())

    @property
    def goal_dim(self) -> int:
        return int(self.goal_mean.numel())

    def forward(self, z: Tensor) -> tuple[Tensor, Tensor]:
        """(..., D) -> normalised observations ((..., obs_dim) or (..., 3, H, W)) and goals (..., G)."""
        h = self.trunk(z)
        return self.obs_head(h), self.goal_head(h)

    def decode(self, z: Tensor) -> tuple[Tensor, Tensor]:
        """(..., D) -> raw observations ((..., obs_dim) float32 or (..., H, W, 3) uint8) and goals (..., G)."""
        obs_n, goal_n = self(z)
        goal = goal_n * self.goal_std + self.goal_mean
        if not self.pixels:
            return obs_n * self.obs_std + self.obs_mean, goal
        unit = obs_n.movedim(-3, -1) * self.obs_std + self.obs_mean
        return (unit * 255.0).round().clamp(0, 255).to(torch.uint8), goal


def save_decoder(folder: str | Path, decoder: LatentDecoder, cfg: DecoderConfig, report: dict[str, Any]) -> None:
    """Write decoder.safetensors, then decoder.json (config, the model it decodes, `report`), atomically."""
    folder = Path(folder)
    model_sha = file_sha256(folder / MODEL_FILE)
    tensors = {k: v.detach().to("cpu").contiguous().clone() for k, v in decoder.state_dict().items()}
    info = {
        **report,
        "schema_version": DECODER_SCHEMA_VERSION,
        "config": cfg.to_dict(),
        "model_sha256": model_sha,
        "package_version": package_version(),
    }
    text = json.dumps(info, indent=2, sort_keys=True) + "\n"
    atomic_write_all(
        [
            (folder / DECODER_FILE, lambda p: save_file(tensors, p, metadata={"model_sha256": model_sha})),
            (folder / DECODER_INFO_FILE, lambda p: Path(p).write_text(text)),
        ]
    )


def _read_decoder_info(folder: Path) -> dict[str, Any]:
    path = folder / DECODER_INFO_FILE
    try:
        info = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(
            f"{path} cannot be read ({type(exc).__name__}); retrain the decoder with --force"
        ) from None
    if not isinstance(info, dict) or info.get("schema_version") != DECODER_SCHEMA_VERSION:
        raise CheckpointError(f"{path} is not a decoder description of this version; retrain the decoder with --force")
    return info


def _decoder_config(info: dict[str, Any], path: Path) -> DecoderConfig:
    saved = info.get("config")
    known = {f.name for f in fields(DecoderConfig)}
    if not isinstance(saved, dict) or set(saved) - known:
        raise CheckpointError(f"{path} holds an unknown decoder config; retrain the decoder with --force")
    try:
        return DecoderConfig(**saved)
    except (TypeError, WorldModelError) as exc:
        raise CheckpointError(
            f"{path} holds an unusable decoder config ({exc}); retrain the decoder with --force"
        ) from None


def load_decoder(folder: str | Path, model: Any) -> LatentDecoder | None:
    """The decoder fitted to `model` in checkpoint `folder` (eval mode, on the model's device), None if there is none.

    A decoder fitted to other weights (the model was retrained since) or a damaged one is a one-line CheckpointError.
    """
    folder = Path(folder)
    info_path = folder / DECODER_INFO_FILE
    if not info_path.is_file():
        return None
    info = _read_decoder_info(folder)
    retrain = f"retrain it with `actjepa decoder --checkpoint {folder} --data DATA.h5 --force`"
    if info.get("model_sha256") != file_sha256(folder / MODEL_FILE):
        raise CheckpointError(f"the decoder in {folder} was fitted to other model weights; {retrain}")
    tensors, _ = read_tensors(folder / DECODER_FILE)
    missing = [k for k in STAT_KEYS if k not in tensors]
    if missing:
        raise CheckpointError(f"{folder / DECODER_FILE} lacks {missing}; {retrain}")
    decoder = LatentDecoder(model.cfg, _decoder_config(info, info_path), {k: tensors[k] for k in STAT_KEYS})
    check_state(decoder.state_dict(), tensors, folder / DECODER_FILE)
    decoder.load_state_dict(tensors, strict=True)
    return decoder.to(model.device).eval()
