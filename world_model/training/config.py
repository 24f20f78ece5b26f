"""Typed training configuration and named presets (default: reacher-quality in minutes on 2 CPU cores)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from actjepa.world_model.core.objective import LossSettings
from actjepa.world_model.errors import WorldModelError

DEVICES = ("cpu", "cuda")
RESUME_MUST_MATCH = (
    "batch_size",
    "lr",
    "weight_decay",
    "warmup_steps",
    "seed",
    "ema_start",
    "ema_end",
    "bc_encoder_lr_scale",
    "action_weight",
    "latent_weight",
    "predictor_weight",
    "regularizer_weight",
    "value_weight",
    "vicreg_std_target",
    "rollout_horizon",
    "value_expectile",
    "image_shift",
    "obs_noise",
)
"Fields a resumed run must share with the checkpoint so it continues the same optimisation."


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation, logging, checkpointing and diagnostics of one training run."""

    steps: int = 3000
    "Optimizer steps in total (a resumed run continues up to this number)."
    batch_size: int = 256
    "Windows per step."
    lr: float = 1e-3
    "Peak AdamW learning rate."
    weight_decay: float = 1e-4
    "AdamW weight decay."
    warmup_steps: int = 100
    "Linear warm-up steps before the cosine decay."
    min_lr_fraction: float = 0.1
    "Learning rate at the end of the cosine decay, as a fraction of lr."
    bc_encoder_lr_scale: float = 0.1
    "Learning-rate factor of the BC baseline's encoder (ACT-JEPA ignores it): at the full rate the\n    action loss alone degrades its latents (reacher: effective rank 24 at init -> 14, policy 6% vs 100%)."
    grad_clip: float = 1.0
    "Global gradient-norm clip."
    seed: int = 0
    "Seed of model initialisation, masking and SIGReg directions (the sampler has its own seed)."
    device: str = "cpu"
    "'cpu' or 'cuda'."
    log_every: int = 50
    "Steps between metrics.jsonl lines and progress-bar updates."
    checkpoint_every: int = 500
    "Steps between checkpoints (the final step always writes one)."
    first_checkpoint: int = 50
    "Step of an extra early checkpoint (at the earlier of this and checkpoint_every), so a run killed in its\n    first minutes can be resumed instead of started over."
    ema_start: float = 0.99
    "Target-encoder momentum at step 0."
    ema_end: float = 1.0
    "Target-encoder momentum at the last step (cosine schedule in between)."
    action_weight: float = 1.0
    "Weight of the L1 action-chunk loss."
    latent_weight: float = 1.0
    "Weight of the head's masked future-latent loss."
    predictor_weight: float = 1.0
    "Weight of the predictor's one-step plus rollout loss."
    regularizer_weight: float = 0.04
    "Weight of the anti-collapse regularizer. At 1.0 it dominated the other losses and flattened latent\n    distances; 0.04 keeps the latents diverse without spreading them over the whole sphere."
    vicreg_std_target: float = 0.5
    "Per-dimension std the VICReg hinge asks for. The encoder's LayerNorm caps the mean variance at 1, so a\n    target of 1 is met only by latents spread evenly over the sphere; 0.5 leaves them free to follow the state."
    rollout_horizon: int = 32
    "Steps of the predictor's rollout loss; windows hold max(chunk, this) future steps. Train it as far\n    as the planner looks ahead: error compounds past the trained length."
    value_weight: float = 1.0
    "Weight of the goal-conditioned value regression (models with value_hidden > 0)."
    value_expectile: float = 0.1
    "Expectile of the relabelled steps-to-goal that the value regresses (< 0.5 estimates the shortest)."
    image_shift: int = 0
    "Random-shift augmentation of pixel training windows, in pixels, one shift per window and its goal (DrQ);\n    0 switches it off. Pixel models only. Off by default: on reacher from pixels at 800 steps, 4 pixels cut\n    validation success from 64% to 32% (policy) and 72% to 34% (mppi+prior); docs/pixels.md."
    obs_noise: float = 0.0
    "Std of Gaussian noise added to the normalised context observations the online encoder reads, targets and\n    goals left clean (state models only; 0 switches it off), so the head learns to act from states slightly\n    off the demonstrations. Off by default: on push from 25 demonstrations, 0.1 gave no lift on one seed\n    (docs/findings.md, item 12)."
    scale_momentum: float = 0.99
    "EMA momentum of the action-error scale that calibrates the action prior's std."
    eval_horizon: int = 32
    "Rollout steps of the final open-loop diagnostic (errors at 8, 16 and 32 steps are reported)."
    eval_starts_per_episode: int = 8
    "Start times per held-out episode in the open-loop diagnostic."
    collapse_std: float = 0.05
    "Warn when the mean per-dimension embedding std falls below this."
    collapse_rank_fraction: float = 0.05
    "Warn when the effective rank falls below this fraction of the latent size."

    def __post_init__(self) -> None:
        if self.steps < 1 or self.batch_size < 2:
            raise WorldModelError(f"steps must be >= 1 and batch size >= 2, got {self.steps} and {self.batch_size}")
        if self.device.split(":")[0] not in DEVICES:
            raise WorldModelError(f"device {self.device!r} is unknown; use cpu or cuda")
        if not self.bc_encoder_lr_scale > 0.0:
            raise WorldModelError(f"bc_encoder_lr_scale must be positive, got {self.bc_encoder_lr_scale}")
        if self.rollout_horizon < 1 or not 0.0 < self.value_expectile < 1.0 or self.vicreg_std_target <= 0:
            raise WorldModelError("rollout_horizon must be >= 1, value_expectile in (0, 1), vicreg_std_target > 0")
        if self.image_shift < 0:
            raise WorldModelError(f"image_shift must be >= 0 pixels, got {self.image_shift}")
        if not 0.0 <= self.obs_noise < math.inf:
            raise WorldModelError(f"obs_noise must be a finite std >= 0, got {self.obs_noise}")
        if self.log_every < 1 or self.checkpoint_every < 1 or self.first_checkpoint < 1:
            raise WorldModelError("log_every, checkpoint_every and first_checkpoint must be at least 1")

    @property
    def weights(self) -> LossSettings:
        """Loss weights for the objective."""
        return LossSettings(
            action_weight=self.action_weight,
            latent_weight=self.latent_weight,
            predictor_weight=self.predictor_weight,
            regularizer_weight=self.regularizer_weight,
            value_weight=self.value_weight,
            vicreg_std_target=self.vicreg_std_target,
            rollout_horizon=self.rollout_horizon,
            value_expectile=self.value_expectile,
            image_shift=self.image_shift,
            obs_noise=self.obs_noise,
        )

    def window_future(self, chunk_len: int) -> int:
        """Future steps every training window holds: the head's chunk, or the rollout loss's horizon if longer."""
        return max(chunk_len, self.rollout_horizon)

    def checkpoint_due(self, done: int) -> bool:
        """Whether a checkpoint is written after `done` steps: the early first one, every checkpoint_every, the last."""
        early = min(self.first_checkpoint, self.checkpoint_every)
        return done == early or done % self.checkpoint_every == 0 or done == self.steps

    def lr_at(self, step: int) -> float:
        """Linear warm-up then cosine decay to min_lr_fraction * lr (a pure function of the step)."""
        if step < self.warmup_steps:
            return self.lr * (step + 1) / self.warmup_steps
        progress = (step - self.warmup_steps) / max(self.steps - self.warmup_steps, 1)
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
        return self.lr * (self.min_lr_fraction + (1.0 - self.min_lr_fraction) * cosine)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


PRESETS: dict[str, TrainConfig] = {
    "default": TrainConfig(),
    "demo": TrainConfig(steps=800, checkpoint_every=400, warmup_steps=50),
}
"Named training settings: 'default' for planning-quality reacher models, 'demo' for a quick look."


def preset(name: str, **overrides: Any) -> TrainConfig:
    """A named preset with some fields replaced (None values are ignored)."""
    if name not in PRESETS:
        raise WorldModelError(f"training preset {name!r} is unknown; use one of {', '.join(PRESETS)}")
    return replace(PRESETS[name], **{k: v for k, v in overrides.items() if v is not None})
