"""Training losses of ACT-JEPA and of the behaviour-cloning baseline on one window batch.

Batch (the contract's WindowSampler.batch, as tensors, raw units):
  obs (Bt, k+C, *obs): observations t-k+1 .. t+C; actions (Bt, k+C-1, A): actions[:, i] follows obs[:, i];
  goal_obs (Bt, *obs): a hindsight goal from the same episode.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from world_model.masking import sample_block_mask
from world_model.model import ActJepa
from world_model.regularizers import sigreg, vicreg


@dataclass(frozen=True)
class LossWeights:
    """Weights of the loss terms (the BC baseline ignores all but the action and predictor weights)."""

    action: float = 1.0
    "L1 on the action chunk, normalised units."
    latent: float = 1.0
    "Head's masked future-latent prediction against EMA targets (MSE relative to the target variance)."
    predictor: float = 1.0
    "Predictor: teacher-forced one-step plus autoregressive multi-step latent error (relative MSE)."
    regularizer: float = 1.0
    "Anti-collapse term (VICReg or SIGReg) on context and goal latents."


@dataclass
class LossOutput:
    """Total loss to backpropagate, its parts as floats-to-be, and what the trainer logs or tracks."""

    total: Tensor
    parts: dict[str, Tensor]
    latents: Tensor
    "Online context latents (Bt, D), detached, for the embedding-health numbers."
    action_abs_error: Tensor
    "Mean |predicted - true| action per (chunk step, action dim), normalised units, detached."


def _goal_latent(model: ActJepa, goal_n: Tensor) -> Tensor:
    """Online goal latent from normalised goal frames, as `ActJepa.encode_goal` computes it."""
    k = model.context_len
    frames = goal_n.unsqueeze(1).expand(-1, k, *goal_n.shape[1:])
    zero = model.normalize_actions(torch.zeros(goal_n.shape[0], k - 1, model.action_dim, device=goal_n.device))
    return model.encoder(frames, zero)


def _spread(latents: Tensor) -> Tensor:
    """Mean per-dimension variance of target latents (detached): divides latent errors so they
    read as the fraction of variance unexplained and cannot fall just because latents shrink."""
    flat = latents.detach().reshape(-1, latents.shape[-1])
    return flat.var(dim=0).mean().clamp_min(1e-6)


def _predictor_loss(model: ActJepa, latents: Tensor, start: Tensor, future_actions: Tensor) -> Tensor:
    """Teacher-forced one-step (from target latents) plus autoregressive rollout (from `start`), relative MSE."""
    c = future_actions.shape[1]
    targets = latents[:, 1:]
    teacher = model.predictor(latents[:, :c], future_actions)
    rolled = model.predictor.rollout(start, future_actions)
    return (F.mse_loss(teacher, targets) + F.mse_loss(rolled, targets)) / _spread(targets)


def compute_losses(model: ActJepa, batch: dict[str, Tensor], weights: LossWeights,
                   generator: torch.Generator) -> LossOutput:
    """All training losses for one batch; ACT-JEPA or BC according to model.cfg.baseline."""
    k, c = model.context_len, model.chunk_len
    obs_n = model.normalize_obs(batch["obs"])
    act_n = model.normalize_actions(batch["actions"])
    goal_n = model.normalize_obs(batch["goal_obs"])
    future_actions = act_n[:, k - 1:k - 1 + c]
    z_ctx = model.encoder(obs_n[:, :k], act_n[:, :k - 1])
    z_goal = _goal_latent(model, goal_n)
    zero = z_ctx.new_zeros(())

    if model.cfg.is_bc:
        pred_actions, _ = model.head(z_ctx, z_goal, predict_latents=False)
        with torch.no_grad():
            latents = model.encoder.encode_windows(obs_n, act_n)  # detached: predictor does not shape the encoder
        pred_loss = _predictor_loss(model, latents, latents[:, 0], future_actions)
        latent_loss, reg_loss = zero, zero
    else:
        with torch.no_grad():
            targets = model.target_encoder.encode_windows(obs_n, act_n)  # (Bt, C+1, D), sg EMA
        pred_loss = _predictor_loss(model, targets, z_ctx, future_actions)
        mask = sample_block_mask(z_ctx.shape[0], c, generator, z_ctx.device)
        pred_actions, pred_latents = model.head(z_ctx, z_goal, future=targets[:, 1:], mask=mask)
        per_pos = (pred_latents - targets[:, 1:]).pow(2).mean(dim=-1)  # (Bt, C)
        latent_loss = (per_pos * mask).sum() / mask.sum().clamp_min(1) / _spread(targets)
        both = torch.cat([z_ctx, z_goal], dim=0)
        reg_loss = vicreg(both) if model.cfg.regularizer == "vicreg" else sigreg(both, generator)

    abs_err = (pred_actions - future_actions).abs()
    action_loss = abs_err.mean()
    total = (weights.action * action_loss + weights.predictor * pred_loss
             + weights.latent * latent_loss + weights.regularizer * reg_loss)
    parts = {"action": action_loss, "latent": latent_loss, "predictor": pred_loss, "regularizer": reg_loss}
    return LossOutput(total, parts, z_ctx.detach(), abs_err.detach().mean(dim=0))
