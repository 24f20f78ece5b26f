"""Typed configuration of the ACT-JEPA world model (architecture only, no training knobs)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from actjepa.world_model.errors import CheckpointError, WorldModelError

OBS_MODES = ("state", "pixels")
REGULARIZERS = ("vicreg", "sigreg")
BASELINES = ("none", "bc")
INFERENCE_ENCODERS = ("online", "target")
PIXEL_ENCODERS = ("strided", "patch")

LEGACY_VALUES = {"predictor_norm": False, "value_hidden": 0, "inference_encoder": "target", "pixel_encoder": "strided"}
"Values of fields that checkpoints written before the field existed were trained with."


@dataclass(frozen=True)
class ModelConfig:
    """Sizes and switches of one world model; saved verbatim in every checkpoint."""

    obs_shape: tuple[int, ...]
    "Shape of one observation: (obs_dim,) for state, (64, 64, 3) uint8 HWC for pixels."
    action_dim: int
    "Number of action dimensions A."
    obs_mode: str = "state"
    "'state' (MLP frame embedding) or 'pixels' (small CNN frame embedding)."
    context_len: int = 1
    "k: observations in the encoder's history window (state holds velocities, so 1 suffices)."
    chunk_len: int = 8
    "C: actions (and future latents) the ACT-JEPA head predicts at once."
    latent_dim: int = 64
    "D: size of every latent (context, goal, target, predicted)."
    frame_dim: int = 128
    "Width of the per-frame embedding before the temporal mixer."
    encoder_hidden: int = 256
    "Hidden width of the state MLP and of the temporal mixer."
    cnn_channels: int = 16
    "Base channel count of the pixel CNN (doubled in deeper layers)."
    pixel_encoder: str = "patch"
    """Layout of the pixel CNN (core/encoders.py PixelEmbedder): 'strided' (four convolutions, 19.9 MFLOP per
    64x64 frame at 32 channels) or 'patch' (a 4x4 patch stem and two convolutions, 4.8 MFLOP at 32 channels,
    1.5 at 16)."""
    predictor_hidden: int = 256
    "Hidden width of the residual predictor g(z, a); it dominates planning cost."
    predictor_layers: int = 1
    "Hidden layers of the predictor MLP (each adds hidden^2 multiply-adds per step)."
    predictor_norm: bool = True
    """Normalise every predicted latent as the encoder normalises its output (LayerNorm without affine
    parameters), so rollouts stay on the sphere of radius sqrt(D) where real latents live and a planner
    cannot reach the goal latent through states no encoder output takes."""
    value_hidden: int = 256
    "Hidden width of the goal-conditioned value V(z, z_goal) (steps to reach the goal); 0: no value network."
    value_scale: float = 16.0
    "Steps per output unit of the value network (it regresses steps / value_scale, so its loss is O(1))."
    inference_encoder: str = "online"
    """Encoder behind encode()/act() at inference: 'online' (the one the head and the predictor's rollout
    start are trained on) or 'target' (the EMA copy whose latents the predictor regresses)."""
    head_width: int = 64
    "Token width of the ACT-JEPA head transformer."
    head_layers: int = 2
    "Transformer blocks in the ACT-JEPA head."
    head_heads: int = 4
    "Attention heads per block in the ACT-JEPA head."
    regularizer: str = "vicreg"
    "Anti-collapse term on batch latents: 'vicreg' (variance + covariance) or 'sigreg' (Epps-Pulley)."
    baseline: str = "none"
    "'none' for ACT-JEPA, 'bc' for behaviour cloning (action loss only; predictor fit on detached latents)."

    def __post_init__(self) -> None:
        object.__setattr__(self, "obs_shape", tuple(int(s) for s in self.obs_shape))
        if self.obs_mode not in OBS_MODES:
            raise WorldModelError(f"obs_mode {self.obs_mode!r} is unknown; use one of {', '.join(OBS_MODES)}")
        if self.obs_mode == "pixels" and (len(self.obs_shape) != 3 or self.obs_shape[2] != 3):
            raise WorldModelError(
                f"pixel observations must be HxWx3, got {self.obs_shape}; use obs_mode='state' for vectors"
            )
        if self.obs_mode == "state" and len(self.obs_shape) != 1:
            raise WorldModelError(
                f"state observations must be 1-D, got {self.obs_shape}; use obs_mode='pixels' for images"
            )
        if self.regularizer not in REGULARIZERS:
            raise WorldModelError(f"regularizer {self.regularizer!r} is unknown; use one of {', '.join(REGULARIZERS)}")
        if self.pixel_encoder not in PIXEL_ENCODERS:
            raise WorldModelError(
                f"pixel_encoder {self.pixel_encoder!r} is unknown; use one of {', '.join(PIXEL_ENCODERS)}"
            )
        if self.inference_encoder not in INFERENCE_ENCODERS:
            raise WorldModelError(f"inference_encoder {self.inference_encoder!r} is unknown; use online or target")
        if self.value_hidden < 0 or self.value_scale <= 0:
            raise WorldModelError(
                f"value_hidden must be >= 0 and value_scale > 0, got {self.value_hidden}, {self.value_scale}"
            )
        if self.baseline not in BASELINES:
            raise WorldModelError(f"baseline {self.baseline!r} is unknown; use one of {', '.join(BASELINES)}")
        for name in ("action_dim", "context_len", "chunk_len", "latent_dim", "predictor_layers", "head_layers"):
            if int(getattr(self, name)) < 1:
                raise WorldModelError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.head_width % self.head_heads:
            raise WorldModelError(f"head_width {self.head_width} must be divisible by head_heads {self.head_heads}")

    @property
    def is_bc(self) -> bool:
        """True for the behaviour-cloning baseline (no target encoder, no latent losses)."""
        return self.baseline == "bc"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        out = asdict(self)
        out["obs_shape"] = list(self.obs_shape)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        """Rebuild a config saved by `to_dict`, naming any unknown or missing field."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CheckpointError(
                f"checkpoint model config has unknown fields {unknown}; it was written by another version"
            )
        data = {**{k: v for k, v in LEGACY_VALUES.items() if k not in data}, **data}
        try:
            return cls(**data)
        except TypeError as exc:
            raise CheckpointError(
                f"checkpoint model config is incomplete ({exc}); it was written by another version"
            ) from None
