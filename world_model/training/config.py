"""Typed training configuration and named presets (default: reacher-quality in minutes on 2 CPU cores).

A TrainConfig holds the run's length, device, logging, checkpoints and diagnostics, and two nested groups:
how the weights are optimised (Optimisation) and what the loss is (core/objective.py's LossSettings). A run
resumed from a checkpoint continues the same optimisation: it must share every field of these two groups
with the checkpoint (`must_match`), and may change the rest. Field names are unique across the groups, so a
TrainConfig also reads and writes as one flat mapping of names (checkpoint.json keeps the flat names it always
had, and `with_changes` replaces fields by name wherever they sit).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from typing import Any

from actjepa.world_model.core.objective import LossSettings
from actjepa.world_model.errors import WorldModelError

DEVICES = ("cpu", "cuda")


PIXEL_WINDOWS_PER_RUN = 8
"""Windows per run of a pixel model by default: with PIXEL_TARGET_STRIDE, a step at batch 256 encodes about a
sixth of the frames it did (docs/pixels.md has the measured speed of each)."""


@dataclass(frozen=True)
class Optimisation:
    """How the weights are optimised: AdamW with warm-up and cosine decay, the EMA target, the seed."""

    batch_size: int = 256
    "Windows per step."
    windows_per_run: int | None = None
    """Windows drawn as runs of this many consecutive windows of one episode (envs WindowSampler), whose shared
    frames a step encodes once: a pixel window reads 35 frames, a run of 8 about 5 per window. 1 draws every
    window on its own; None: PIXEL_WINDOWS_PER_RUN for pixel models, 1 for state models. The batch size must be
    a multiple of it."""
    lr: float = 1e-3
    "Peak AdamW learning rate."
    weight_decay: float = 1e-4
    "AdamW weight decay."
    warmup_steps: int = 100
    "Linear warm-up steps before the cosine decay."
    min_lr_fraction: float = 0.1
    "Learning rate at the end of the cosine decay, as a fraction of lr."
    bc_encoder_lr_scale: float = 0.1
    """Learning-rate factor of the BC baseline's encoder (ACT-JEPA ignores it): at the full rate the
    action loss alone degrades its latents (reacher: effective rank 24 at init -> 14, policy 6% vs 100%)."""
    grad_clip: float = 1.0
    "Global gradient-norm clip."
    ema_start: float = 0.99
    "Target-encoder momentum at step 0."
    ema_end: float = 1.0
    "Target-encoder momentum at the last step (cosine schedule in between)."
    scale_momentum: float = 0.99
    "EMA momentum of the action-error scale that calibrates the action prior's std."
    seed: int = 0
    "Seed of model initialisation, masking and SIGReg directions (the sampler has its own seed)."

    def runs_for(self, obs_mode: str) -> int:
        """windows_per_run for a model of this observation mode (None resolved)."""
        if self.windows_per_run is not None:
            return self.windows_per_run
        return PIXEL_WINDOWS_PER_RUN if obs_mode == "pixels" else 1

    def __post_init__(self) -> None:
        if self.batch_size < 2:
            raise WorldModelError(f"--batch-size must be at least 2, got {self.batch_size}")
        if self.windows_per_run is not None and (self.windows_per_run < 1 or self.batch_size % self.windows_per_run):
            raise WorldModelError(
                f"windows_per_run must be at least 1 and divide --batch-size {self.batch_size}, "
                f"got {self.windows_per_run}"
            )
        if not 0.0 < self.lr < math.inf:
            raise WorldModelError(f"--lr must be a positive number, got {self.lr}")
        if not self.bc_encoder_lr_scale > 0.0:
            raise WorldModelError(f"bc_encoder_lr_scale must be positive, got {self.bc_encoder_lr_scale}")


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation, loss, logging, checkpointing and diagnostics of one training run."""

    steps: int = 3000
    "Optimizer steps in total (a resumed run continues up to this number)."
    optim: Optimisation = field(default_factory=Optimisation)
    "How the weights are optimised (a resumed run must keep all of it)."
    loss: LossSettings = field(default_factory=LossSettings)
    "The loss terms' weights and settings (a resumed run must keep all of it)."
    device: str = "cpu"
    "'cpu' or 'cuda'."
    log_every: int = 50
    "Steps between metrics.jsonl lines and progress-bar updates."
    checkpoint_every: int = 500
    "Steps between checkpoints (the final step always writes one)."
    first_checkpoint: int = 50
    """Step of an extra early checkpoint (at the earlier of this and checkpoint_every), so a run killed in its
    first minutes can be resumed instead of started over."""
    eval_horizon: int = 32
    "Rollout steps of the final open-loop diagnostic (errors at 8, 16 and 32 steps are reported)."
    eval_starts_per_episode: int = 8
    "Start times per held-out episode in the open-loop diagnostic."
    collapse_std: float = 0.05
    "Warn when the mean per-dimension embedding std falls below this."
    collapse_rank_fraction: float = 0.05
    "Warn when the effective rank falls below this fraction of the latent size."

    def __post_init__(self) -> None:
        if self.steps < 1:
            raise WorldModelError(f"--steps must be at least 1, got {self.steps}")
        if self.device.split(":")[0] not in DEVICES:
            raise WorldModelError(f"--device {self.device!r} is not a device to train on; use cpu or cuda")
        for name in ("log_every", "checkpoint_every", "first_checkpoint"):
            if getattr(self, name) < 1:
                raise WorldModelError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")

    def window_future(self, chunk_len: int) -> int:
        """Future steps every training window holds: the head's chunk, or the rollout loss's horizon if longer."""
        return max(chunk_len, self.loss.rollout_horizon)

    def checkpoint_due(self, done: int) -> bool:
        """Whether a checkpoint is written after `done` steps: the early first one, every checkpoint_every, the last."""
        early = min(self.first_checkpoint, self.checkpoint_every)
        return done == early or done % self.checkpoint_every == 0 or done == self.steps

    def lr_at(self, step: int) -> float:
        """Linear warm-up then cosine decay to min_lr_fraction * lr (a pure function of the step)."""
        o = self.optim
        if step < o.warmup_steps:
            return o.lr * (step + 1) / o.warmup_steps
        progress = (step - o.warmup_steps) / max(self.steps - o.warmup_steps, 1)
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
        return o.lr * (o.min_lr_fraction + (1.0 - o.min_lr_fraction) * cosine)

    def must_match(self, obs_mode: str | None = None) -> dict[str, Any]:
        """The fields a resumed run must share with its checkpoint, by name: every field of optim and loss; with
        obs_mode, the fields whose None means "by observation mode" resolved for it (resolved_by_mode)."""
        settings = {**asdict(self.optim), **asdict(self.loss)}
        return settings if obs_mode is None else resolved_by_mode(settings, obs_mode)

    def to_dict(self) -> dict[str, Any]:
        """Every field by its own name, the groups' fields beside the others (the form checkpoint.json keeps)."""
        return _flat(self)

    def with_changes(self, **changes: Any) -> TrainConfig:
        """This config with fields replaced by name, wherever they sit; None values are ignored."""
        return _replaced(self, {k: v for k, v in changes.items() if v is not None})


def _flat(settings: Any) -> dict[str, Any]:
    """A dataclass's fields by name, nested dataclasses' fields in place of the dataclass."""
    out: dict[str, Any] = {}
    for spec in fields(settings):
        value = getattr(settings, spec.name)
        out.update(_flat(value) if is_dataclass(value) else {spec.name: value})
    return out


def _replaced(settings: Any, changes: dict[str, Any]) -> Any:
    """`settings` with each named field replaced in the (nested) dataclass that declares it."""
    unknown = sorted(set(changes) - set(_flat(settings)))
    if unknown:
        raise WorldModelError(f"training settings have no field {unknown[0]!r}; see TrainConfig for their names")
    updates = {}
    for spec in fields(settings):
        value = getattr(settings, spec.name)
        if is_dataclass(value):
            inner = {name: changes[name] for name in _flat(value) if name in changes}
            if inner:
                updates[spec.name] = _replaced(value, inner)
        elif spec.name in changes:
            updates[spec.name] = changes[spec.name]
    return replace(settings, **updates)


PREDATED_VALUES = {"windows_per_run": 1, "target_stride": 1}
"""What a checkpoint written before these fields existed was trained with: every window drawn on its own and a
target at every future step (a resumed run compares these, not today's defaults for its observation mode)."""


def resolved_by_mode(settings: dict[str, Any], obs_mode: str) -> dict[str, Any]:
    """Flat settings with windows_per_run and target_stride resolved for a model of obs_mode (None: that mode's
    default) and filled with PREDATED_VALUES where the settings predate them."""
    by_mode = {
        "windows_per_run": Optimisation().runs_for(obs_mode),
        "target_stride": LossSettings().stride_for(obs_mode),
    }
    out = {**PREDATED_VALUES, **settings}
    return {key: by_mode[key] if key in by_mode and value is None else value for key, value in out.items()}


PRESETS: dict[str, TrainConfig] = {
    "default": TrainConfig(),
    "demo": TrainConfig(steps=800, checkpoint_every=400, optim=Optimisation(warmup_steps=50)),
}
"Named training settings: 'default' for planning-quality reacher models, 'demo' for a quick look."


def preset(name: str, **changes: Any) -> TrainConfig:
    """A named preset with fields replaced by name (None values are ignored)."""
    if name not in PRESETS:
        raise WorldModelError(f"training preset {name!r} is unknown; use one of {', '.join(PRESETS)}")
    return PRESETS[name].with_changes(**changes)
