"""Training losses of ACT-JEPA and of the behaviour-cloning baseline on one window batch.

Batch (the contract's WindowSampler.batch, as tensors, raw units), F >= C future steps:
  obs (Bt, k+F, *obs): observations t-k+1 .. t+F; actions (Bt, k+F-1, A): actions[:, i] follows obs[:, i];
  goal_obs (Bt, *obs): a hindsight goal from the same episode; goal_steps (Bt,): t_goal - t (for the value).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from actjepa.world_model.core.augment import context_noise, draw_shifts, shift_frames
from actjepa.world_model.core.masking import sample_block_mask
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.regularizers import sigreg, vicreg
from actjepa.world_model.core.value import expectile_errors
from actjepa.world_model.errors import WorldModelError
from actjepa.world_model.training.distributed import SINGLE, Shard


@dataclass(frozen=True)
class LossWeights:
    """Weights and settings of the loss terms (the BC baseline ignores the latent and regularizer terms)."""

    action: float = 1.0
    "L1 on the action chunk, normalised units."
    latent: float = 1.0
    "Head's masked future-latent prediction against EMA targets (MSE relative to the target variance)."
    predictor: float = 1.0
    "Predictor: teacher-forced one-step plus autoregressive multi-step latent error (relative MSE)."
    regularizer: float = 1.0
    "Anti-collapse term (VICReg or SIGReg) on context and goal latents."
    value: float = 1.0
    "Goal-conditioned value regression (expectile, in units of value_scale steps); needs value_hidden > 0."
    vicreg_std_target: float = 1.0
    "Per-dimension std the VICReg hinge asks for (must be reachable under the encoder's normalisation)."
    rollout_horizon: int = 8
    "Steps of the predictor's autoregressive rollout loss (at most the batch's future steps)."
    value_expectile: float = 0.1
    "Expectile of the relabelled steps-to-goal the value regresses (< 0.5: the shortest observed)."
    image_shift: int = 0
    "Random-shift augmentation of pixel windows and their goals, in pixels (0: none)."
    obs_noise: float = 0.0
    "Std of Gaussian noise on the normalised context observations the online encoder reads (0: none)."


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


def _goal_latent(model: ActJepa, goal_n: Tensor) -> Tensor:
    """Online goal latent from normalised goal frames, as `ActJepa.encode_goal` computes it."""
    k = model.context_len
    frames = goal_n.unsqueeze(1).expand(-1, k, *goal_n.shape[1:])
    zero = model.normalize_actions(torch.zeros(goal_n.shape[0], k - 1, model.action_dim, device=goal_n.device))
    return model.encoder(frames, zero)


def _spread(latents: Tensor, shard: Shard) -> Tensor:
    """Mean per-dimension variance of target latents over the global batch (detached): divides latent errors
    so they read as the fraction of variance unexplained and cannot fall just because latents shrink."""
    flat = latents.detach().reshape(-1, latents.shape[-1])
    return shard.variance(flat).mean().clamp_min(1e-6)


def _predictor_loss(model: ActJepa, latents: Tensor, start: Tensor, future_actions: Tensor, shard: Shard) -> Tensor:
    """Teacher-forced one-step (from target latents) plus autoregressive rollout (from `start`), relative MSE.

    latents (Bt, R+1, D) at t..t+R, future_actions (Bt, R, A): the rollout runs all R steps.
    """
    r = future_actions.shape[1]
    targets = latents[:, 1 : r + 1]
    teacher = model.predictor(latents[:, :r], future_actions)
    rolled = model.predictor.rollout(start, future_actions)
    return (F.mse_loss(teacher, targets) + F.mse_loss(rolled, targets)) / _spread(targets, shard)


def _value_loss(
    model: ActJepa, latents: Tensor, z_goal: Tensor, goal_steps: Tensor, expectile: float, shard: Shard
) -> Tensor:
    """Expectile regression of steps-to-goal on detached latents.

    latents (Bt, L, D) at t..t+L-1 and z_goal (Bt, D) with goal_steps (Bt,) = t_goal - t give the
    pairs (latents[:, j], z_goal) with target t_goal - t - j wherever that is >= 0, plus the goal
    paired with itself (target 0). Shards hold different numbers of pairs: the mean is over every rank's.
    """
    net = model.value_net
    steps = goal_steps.to(latents.dtype)[:, None] - torch.arange(latents.shape[1], device=latents.device)
    valid = steps >= 0
    pred = net.units(latents[valid], z_goal[:, None].expand_as(latents)[valid])
    target = steps[valid] / net.scale
    pred = torch.cat([pred, net.units(z_goal, z_goal)])
    target = torch.cat([target, target.new_zeros(z_goal.shape[0])])
    return shard.mean_of(expectile_errors(pred, target, expectile))


def _jepa_terms(
    model: ActJepa,
    latents: Tensor,
    z_ctx: Tensor,
    z_goal: Tensor,
    weights: LossWeights,
    generator: torch.Generator,
    shard: Shard,
) -> tuple[Tensor, Tensor, Tensor]:
    """ACT-JEPA's head outputs and latent loss, and the regularizer over the global batch's latents.

    The time mask is drawn for the global batch and sliced, so every window gets the mask it gets on one
    process; the regularizer's statistics are over every rank's latents (gathered with their gradients).
    Returns (predicted normalised actions (Bt, C, A), latent loss, regularizer loss).
    """
    c = model.chunk_len
    mask = sample_block_mask(z_ctx.shape[0] * shard.world_size, c, generator, z_ctx.device)
    mask = mask[shard.rows(mask.shape[0])]
    chunk_latents = latents[:, 1 : c + 1]
    pred_actions, pred_latents = model.head(z_ctx, z_goal, future=chunk_latents, mask=mask)
    per_pos = (pred_latents - chunk_latents).pow(2).mean(dim=-1)  # (Bt, C)
    latent_loss = shard.masked_mean(per_pos, mask) / _spread(chunk_latents, shard)
    both = torch.cat([shard.gather(z_ctx), shard.gather(z_goal)], dim=0)
    reg_loss = vicreg(both, weights.vicreg_std_target) if model.cfg.regularizer == "vicreg" else sigreg(both, generator)
    return pred_actions, latent_loss, reg_loss


def _shifted(
    obs_n: Tensor, goal_n: Tensor, shift: int, generator: torch.Generator, shard: Shard
) -> tuple[Tensor, Tensor]:
    """Pixel windows (Bt, L, 3, H, W) and goals (Bt, 3, H, W) shifted alike per window. The offsets are drawn
    for the global batch and each rank keeps its rows, so several processes augment as one would."""
    rows = obs_n.shape[0] * shard.world_size
    offsets = draw_shifts(rows, shift, generator)[shard.rows(rows)]
    return shift_frames(obs_n, offsets), shift_frames(goal_n, offsets)


def _noisy_context(context: Tensor, std: float, generator: torch.Generator, shard: Shard) -> Tensor:
    """State contexts (Bt, k, O) plus noise drawn for the global batch, of which each rank keeps its rows, so
    several processes augment as one would."""
    rows = context.shape[0] * shard.world_size
    noise = context_noise((rows, *context.shape[1:]), std, generator)[shard.rows(rows)]
    return context + noise.to(context.device, context.dtype)


def _model_inputs(
    model: ActJepa, batch: dict[str, Tensor], weights: LossWeights, generator: torch.Generator, shard: Shard
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Normalised, augmented windows, actions and goals, and the context the online encoder reads: obs_n (Bt, L,
    *obs), act_n (Bt, L-1, A), goal_n (Bt, *obs), context (Bt, k, *obs). Shifts are drawn before the noise."""
    obs_n = model.normalize_obs(batch["obs"])
    act_n = model.normalize_actions(batch["actions"])
    goal_n = model.normalize_obs(batch["goal_obs"])
    if weights.image_shift:
        obs_n, goal_n = _shifted(obs_n, goal_n, weights.image_shift, generator, shard)
    context = obs_n[:, : model.context_len]
    if weights.obs_noise:
        context = _noisy_context(context, weights.obs_noise, generator, shard)
    return obs_n, act_n, goal_n, context


def compute_losses(
    model: ActJepa,
    batch: dict[str, Tensor],
    weights: LossWeights,
    generator: torch.Generator,
    shard: Shard = SINGLE,
) -> LossOutput:
    """All training losses for one batch (this rank's shard of it); ACT-JEPA or BC according to model.cfg.baseline.

    On several processes each part is this rank's share: the ranks' average of every part (and of its
    gradient) is the 1-process value on the global batch; the reported parts are already averaged.
    """
    k, c = model.context_len, model.chunk_len
    obs_n, act_n, goal_n, context = _model_inputs(model, batch, weights, generator, shard)
    future = obs_n.shape[1] - k
    if future < c:
        raise WorldModelError(f"batches hold {future} future steps but the head predicts {c}; sample longer windows")
    future_actions = act_n[:, k - 1 : k - 1 + c]
    rollout_actions = act_n[:, k - 1 : k - 1 + min(weights.rollout_horizon, future)]
    z_ctx = model.encoder(context, act_n[:, : k - 1])
    z_goal = _goal_latent(model, goal_n)
    zero = z_ctx.new_zeros(())

    if model.cfg.is_bc:
        pred_actions, _ = model.head(z_ctx, z_goal, predict_latents=False)
        with torch.no_grad():
            latents = model.encoder.encode_windows(obs_n, act_n)  # detached: predictor does not shape the encoder
        pred_loss = _predictor_loss(model, latents, latents[:, 0], rollout_actions, shard)
        latent_loss, reg_loss = zero, zero
    else:
        with torch.no_grad():
            latents = model.target_encoder.encode_windows(obs_n, act_n)  # (Bt, F+1, D), sg EMA
        pred_loss = _predictor_loss(model, latents, z_ctx, rollout_actions, shard)
        pred_actions, latent_loss, reg_loss = _jepa_terms(model, latents, z_ctx, z_goal, weights, generator, shard)
    value_loss = zero
    if model.value_net is not None and "goal_steps" in batch:
        value_loss = _value_loss(model, latents, z_goal.detach(), batch["goal_steps"], weights.value_expectile, shard)

    abs_err = (pred_actions - future_actions).abs()
    parts = {
        "action": abs_err.mean(),
        "latent": latent_loss,
        "predictor": pred_loss,
        "regularizer": reg_loss,
        "value": value_loss,
    }
    total = (
        weights.action * parts["action"]
        + weights.predictor * pred_loss
        + weights.latent * latent_loss
        + weights.regularizer * reg_loss
        + weights.value * value_loss
    )
    output = LossOutput(total, parts, z_ctx.detach(), abs_err.detach().mean(dim=0))
    return _averaged(output, shard) if shard.distributed else output


def _averaged(output: LossOutput, shard: Shard) -> LossOutput:
    """The reported numbers of a shard's losses made global: parts, total and action error averaged over the
    ranks, and the context latents of every rank (for the embedding-health numbers)."""
    names = list(output.parts)
    means = shard.mean(torch.stack([output.total.detach(), *(output.parts[n].detach() for n in names)]))
    return LossOutput(
        output.total,
        {name: means[i + 1] for i, name in enumerate(names)},
        shard.gather_detached(output.latents),
        shard.mean(output.action_abs_error),
        total_mean=means[0],
    )
