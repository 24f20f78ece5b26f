"""A training step's inputs: the batch normalised, and everything random in the step drawn in one place.

The draws, in this order, all from the one training generator: pixel shifts (image_shift > 0), noise on the
context states (obs_noise > 0), the head's time mask (ACT-JEPA), the SIGReg directions (SIGReg). Each is drawn
for the global batch, every process's rows, of which this process keeps its own: several processes therefore
use exactly the numbers one process would, and a resumed run, which restores the generator, exactly those of
an uninterrupted one. Reordering these draws changes every later number of a run.

Batch (the contract's WindowSampler.batch, as tensors, raw units), F >= C future steps:
  obs (Bt, k+F, *obs): observations t-k+1 .. t+F; actions (Bt, k+F-1, A): actions[:, i] follows obs[:, i];
  goal_obs (Bt, *obs): a hindsight goal from the same episode; goal_steps (Bt,): t_goal - t (for the value).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from actjepa.world_model.core.augment import context_noise, draw_shifts, shift_frames
from actjepa.world_model.core.batch_stats import ONE_PROCESS, BatchStats
from actjepa.world_model.core.masking import sample_block_mask
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.regularizers import sigreg_directions


@dataclass(frozen=True)
class StepInputs:
    """What the losses of one step read (Bt rows: this process's share of the batch)."""

    obs: Tensor
    "(Bt, k+F, *frame) normalised windows (pixels: (Bt, k+F, 3, H, W)), shifted when image_shift > 0."
    actions: Tensor
    "(Bt, k+F-1, A) normalised actions."
    goal: Tensor
    "(Bt, *frame) normalised goals, shifted with their windows."
    context: Tensor
    "(Bt, k, *frame) what the online encoder reads: the window's first k frames, plus noise when obs_noise > 0."
    mask: Tensor | None
    "(Bt, C) bool time mask of the head's future latents, True = hidden; None for the BC baseline."
    directions: Tensor | None
    "(D, M) SIGReg projection directions; None unless an ACT-JEPA model is regularised by SIGReg."
    goal_steps: Tensor | None
    "(Bt,) t_goal - t for the value regression; None when the batch has none."


def draw_inputs(
    model: ActJepa,
    batch: dict[str, Tensor],
    image_shift: int,
    obs_noise: float,
    generator: torch.Generator,
    shard: BatchStats = ONE_PROCESS,
) -> StepInputs:
    """Normalise the batch and draw the step's shifts, noise, time mask and SIGReg directions (module docstring)."""
    obs = model.normalize_obs(batch["obs"])
    actions = model.normalize_actions(batch["actions"])
    goal = model.normalize_obs(batch["goal_obs"])
    rows = obs.shape[0] * shard.world_size
    mine = shard.rows(rows)
    if image_shift:  # one offset per window, shared by its frames and its goal
        offsets = draw_shifts(rows, image_shift, generator)[mine]
        obs, goal = shift_frames(obs, offsets), shift_frames(goal, offsets)
    context = obs[:, : model.context_len]
    if obs_noise:  # the online encoder's context only: targets and goals stay the demonstration's
        noise = context_noise((rows, *context.shape[1:]), obs_noise, generator)[mine]
        context = context + noise.to(context.device, context.dtype)
    jepa = not model.cfg.is_bc
    mask = sample_block_mask(rows, model.chunk_len, generator, obs.device)[mine] if jepa else None
    sigreg = jepa and model.cfg.regularizer == "sigreg"
    directions = sigreg_directions(model.latent_dim, generator, obs.device) if sigreg else None
    return StepInputs(obs, actions, goal, context, mask, directions, batch.get("goal_steps"))
