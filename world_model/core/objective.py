"""Training losses of ACT-JEPA and of the behaviour-cloning baseline on one window batch.

ACT-JEPA: an online encoder embeds the context; an EMA target encoder (no gradient) embeds the window's
future. The predictor learns the target latents step by step from the actions; the head, given the context
and goal latents and the future target latents with a random block of them masked, predicts the action chunk
and the masked latents; a regularizer keeps the batch's latents from collapsing; a value network learns the
steps to the goal. The BC baseline keeps the action loss (and fits the predictor and value on detached latents).
Batch layout and the random draws: core/inputs.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from actjepa.world_model.core.batch_stats import ONE_PROCESS, BatchStats
from actjepa.world_model.core.inputs import StepInputs, draw_inputs, run_length
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.regularizers import sigreg, vicreg
from actjepa.world_model.core.target_steps import target_starts
from actjepa.world_model.core.value import expectile_errors
from actjepa.world_model.core.window_latents import context_latents, window_targets
from actjepa.world_model.errors import WorldModelError

PIXEL_TARGET_STRIDE = 8
"Target stride of a pixel model by default (LossSettings.target_stride; docs/pixels.md has its measured cost)."


@dataclass(frozen=True)
class LossSettings:
    """Weights and settings of the loss terms (the BC baseline ignores the latent and regularizer terms)."""

    action_weight: float = 1.0
    "Weight of the L1 action-chunk loss (normalised units)."
    latent_weight: float = 1.0
    "Weight of the head's masked future-latent loss (MSE against the EMA targets, relative to their variance)."
    predictor_weight: float = 1.0
    "Weight of the predictor's teacher-forced one-step plus autoregressive rollout latent error (relative MSE)."
    regularizer_weight: float = 0.04
    """Weight of the anti-collapse regularizer (VICReg or SIGReg) on context and goal latents. At 1.0 it dominated
    the other losses and flattened latent distances; 0.04 keeps the latents diverse without spreading them over
    the whole sphere."""
    vicreg_std_target: float = 0.5
    """Per-dimension std the VICReg hinge asks for. The encoder's LayerNorm caps the mean variance at 1, so a
    target of 1 is met only by latents spread evenly over the sphere; 0.5 leaves them free to follow the state."""
    rollout_horizon: int = 32
    """Steps of the predictor's rollout loss; windows hold max(chunk, this) future steps. Train it as far
    as the planner looks ahead: error compounds past the trained length."""
    value_weight: float = 1.0
    "Weight of the goal-conditioned value regression (models with value_hidden > 0)."
    value_expectile: float = 0.1
    "Expectile of the relabelled steps-to-goal that the value regresses (< 0.5 estimates the shortest)."
    target_stride: int | None = None
    """Beyond the head's chunk, the rollout loss compares the predictor with the target latent of every n-th
    future step (and of its last) instead of every step (core/target_steps.py). Each target encodes k frames,
    so on pixels this sets much of a step's cost; 1 keeps every step; None: PIXEL_TARGET_STRIDE for pixel
    models, 1 for state models."""
    image_shift: int = 0
    """Random-shift augmentation of pixel training windows, in pixels, one shift per window and its goal (DrQ);
    0 switches it off. Pixel models only. Off by default: on reacher from pixels at 800 steps, 4 pixels cut
    validation success from 64% to 32% (policy) and 72% to 34% (mppi+prior); docs/pixels.md."""
    obs_noise: float = 0.0
    """Std of Gaussian noise added to the normalised context observations the online encoder reads, targets and
    goals left clean (state models only; 0 switches it off), so the head learns to act from states slightly
    off the demonstrations. Off by default: on push from 25 demonstrations, 0.1 gave no lift on one seed
    (docs/findings.md, item 12)."""

    def __post_init__(self) -> None:
        if self.rollout_horizon < 1 or not 0.0 < self.value_expectile < 1.0 or self.vicreg_std_target <= 0:
            raise WorldModelError("rollout_horizon must be >= 1, value_expectile in (0, 1), vicreg_std_target > 0")
        if self.target_stride is not None and self.target_stride < 1:
            raise WorldModelError(f"target_stride must be at least 1, got {self.target_stride}")
        if self.image_shift < 0:
            raise WorldModelError(f"image_shift must be >= 0 pixels, got {self.image_shift}")
        if not 0.0 <= self.obs_noise < math.inf:
            raise WorldModelError(f"obs_noise must be a finite std >= 0, got {self.obs_noise}")

    def stride_for(self, obs_mode: str) -> int:
        """target_stride for a model of this observation mode (None resolved)."""
        if self.target_stride is not None:
            return self.target_stride
        return PIXEL_TARGET_STRIDE if obs_mode == "pixels" else 1


@dataclass
class LossOutput:
    """Total loss to backpropagate, its parts as floats-to-be, and what the trainer logs or tracks."""

    total: Tensor
    parts: dict[str, Tensor]
    latents: Tensor
    "Online context latents (Bt, D), detached, for the embedding-health numbers."
    action_abs_error: Tensor
    "Mean |predicted - true| action per (chunk step, action dim), normalised units, detached."
    total_mean: Tensor | None = None
    "The total averaged over the training processes, detached (None on one process: the total itself)."

    @property
    def total_value(self) -> float:
        """The batch's total loss as a number (the same on every process)."""
        return float((self.total if self.total_mean is None else self.total_mean).detach())


def compute_losses(
    model: ActJepa,
    batch: dict[str, Tensor],
    settings: LossSettings,
    generator: torch.Generator,
    stats: BatchStats = ONE_PROCESS,
) -> LossOutput:
    """All training losses for one batch (this process's rows of it); ACT-JEPA or BC according to model.cfg.

    stats: the global batch this one is a share of (core/batch_stats.py); each part is then this share's
    part, whose average over the processes (and that of its gradient) is the 1-process value.
    """
    k, c = model.context_len, model.chunk_len
    future = batch["obs"].shape[1] - (run_length(batch) - 1) - k
    if future < c:
        raise WorldModelError(f"batches hold {future} future steps but the head predicts {c}; sample longer windows")
    starts = target_starts(future, c, settings.rollout_horizon, settings.stride_for(model.cfg.obs_mode))
    x = draw_inputs(model, batch, settings.image_shift, settings.obs_noise, generator, stats, starts)

    # Encode: the online context and goal latents (B, D), and the targets (B, S, D) at the future steps `starts`.
    z_ctx = context_latents(model.encoder, x)
    z_goal = _goal_latent(model, x.goal)
    targets = _target_latents(model, x, starts)

    # Predictor: roll the future actions from the context latent (BC: from the detached first target).
    rollout_actions = x.actions[:, k - 1 : k - 1 + min(settings.rollout_horizon, future)]
    start = targets[:, 0] if model.cfg.is_bc else z_ctx
    predictor_loss = _predictor_loss(model, targets, starts, start, rollout_actions, x.actions[:, k - 1 :], stats)

    # Head: the action chunk, and the future latents it fills in where the time mask hides them.
    pred_actions, latent_loss, regularizer_loss = _head_losses(model, z_ctx, z_goal, targets, x, settings, stats)

    # Actions: L1 against the demonstration's chunk.
    action_errors = (pred_actions - x.actions[:, k - 1 : k - 1 + c]).abs()

    # Value: steps to the goal, on detached latents.
    value_loss = z_ctx.new_zeros(())
    if model.value_net is not None and x.goal_steps is not None:
        value_loss = _value_loss(model, targets, starts, z_goal.detach(), x.goal_steps, settings.value_expectile, stats)

    parts = {
        "action": action_errors.mean(),
        "latent": latent_loss,
        "predictor": predictor_loss,
        "regularizer": regularizer_loss,
        "value": value_loss,
    }
    total = (
        settings.action_weight * parts["action"]
        + settings.predictor_weight * predictor_loss
        + settings.latent_weight * latent_loss
        + settings.regularizer_weight * regularizer_loss
        + settings.value_weight * value_loss
    )
    return LossOutput(total, parts, z_ctx.detach(), action_errors.detach().mean(dim=0))


def _goal_latent(model: ActJepa, goal_n: Tensor) -> Tensor:
    """Online goal latent from normalised goal frames, as `ActJepa.encode_goal` computes it."""
    k = model.context_len
    zero = model.normalize_actions(torch.zeros(goal_n.shape[0], k - 1, model.action_dim, device=goal_n.device))
    return model.encoder.encode_still(goal_n, zero)


@torch.no_grad()
def _target_latents(model: ActJepa, x: StepInputs, starts: list[int]) -> Tensor:
    """Latents (B, S, D) at t+j for j in starts, without gradient: the EMA target encoder's (BC: its own
    encoder's, so the predictor does not shape the representation)."""
    encoder = model.encoder if model.target_encoder is None else model.target_encoder
    return window_targets(encoder, x, starts)


def _spread(latents: Tensor, stats: BatchStats) -> Tensor:
    """Mean per-dimension variance of target latents over the global batch (detached): divides latent errors
    so they read as the fraction of variance unexplained and cannot fall just because latents shrink."""
    flat = latents.detach().reshape(-1, latents.shape[-1])
    return stats.variance(flat).mean().clamp_min(1e-6)


def _predictor_loss(
    model: ActJepa,
    latents: Tensor,
    starts: list[int],
    start: Tensor,
    rollout_actions: Tensor,
    actions: Tensor,
    stats: BatchStats,
) -> Tensor:
    """Teacher-forced one-step plus autoregressive rollout (from `start`), relative MSE.

    latents (B, S, D) are the targets at steps `starts` after t; rollout_actions (B, R, A) are rolled all R
    steps and compared where a target exists; the one-step term predicts every target whose previous step has
    one too, from that target and actions (B, F, A)[:, step].
    """
    r = rollout_actions.shape[1]
    compared = [i for i, j in enumerate(starts) if 1 <= j <= r]
    pairs = [i for i in range(len(starts) - 1) if starts[i + 1] == starts[i] + 1 and starts[i + 1] <= r]
    targets = latents[:, compared]
    steps = torch.tensor([starts[i] for i in pairs], device=latents.device)
    teacher = model.predictor(latents[:, pairs], actions[:, steps])
    rolled = model.predictor.rollout(start, rollout_actions)[:, [starts[i] - 1 for i in compared]]
    teacher_loss = F.mse_loss(teacher, latents[:, [i + 1 for i in pairs]])
    return (teacher_loss + F.mse_loss(rolled, targets)) / _spread(targets, stats)


def _head_losses(
    model: ActJepa,
    z_ctx: Tensor,
    z_goal: Tensor,
    targets: Tensor,
    x: StepInputs,
    settings: LossSettings,
    stats: BatchStats,
) -> tuple[Tensor, Tensor, Tensor]:
    """The head's normalised action chunk (B, C, A), its masked-latent loss and the regularizer (BC: zeros).

    ACT-JEPA's head sees the next C target latents with x.mask's block replaced by the mask token, and predicts
    them; the loss is over the masked positions of the global batch. The regularizer's statistics are over
    every process's context and goal latents (gathered with their gradients).
    """
    if model.cfg.is_bc:
        pred_actions, _ = model.head(z_ctx, z_goal, predict_latents=False)
        zero = z_ctx.new_zeros(())
        return pred_actions, zero, zero
    chunk = targets[:, 1 : model.chunk_len + 1]
    pred_actions, pred_latents = model.head(z_ctx, z_goal, future=chunk, mask=x.mask)
    per_position = (pred_latents - chunk).pow(2).mean(dim=-1)  # (B, C)
    latent_loss = stats.masked_mean(per_position, x.mask) / _spread(chunk, stats)
    both = torch.cat([stats.gather(z_ctx), stats.gather(z_goal)], dim=0)
    if x.directions is None:
        return pred_actions, latent_loss, vicreg(both, settings.vicreg_std_target)
    return pred_actions, latent_loss, sigreg(both, x.directions)


def _value_loss(
    model: ActJepa,
    latents: Tensor,
    starts: list[int],
    z_goal: Tensor,
    goal_steps: Tensor,
    expectile: float,
    stats: BatchStats,
) -> Tensor:
    """Expectile regression of steps-to-goal on detached latents.

    latents (B, S, D) at t+j for j in starts, and z_goal (B, D) with goal_steps (B,) = t_goal - t, give the
    pairs (latents[:, i], z_goal) with target t_goal - t - starts[i] wherever that is >= 0, plus the goal
    paired with itself (target 0). Processes hold different numbers of pairs: the mean is over all of them.
    """
    net = model.value_net
    offsets = torch.tensor(starts, device=latents.device, dtype=latents.dtype)
    steps = goal_steps.to(latents.dtype)[:, None] - offsets
    valid = steps >= 0
    pred = net.units(latents[valid], z_goal[:, None].expand_as(latents)[valid])
    target = steps[valid] / net.scale
    pred = torch.cat([pred, net.units(z_goal, z_goal)])
    target = torch.cat([target, target.new_zeros(z_goal.shape[0])])
    return stats.mean_of(expectile_errors(pred, target, expectile))
