"""A training step's inputs: the batch normalised, and everything random in the step drawn in one place.

The draws, in this order, all from the one training generator: pixel shifts (image_shift > 0), noise on the
context states (obs_noise > 0), the head's time mask (ACT-JEPA), the SIGReg directions (SIGReg). Each is drawn
for the global batch, every process's rows, of which this process keeps its own: several processes therefore
use exactly the numbers one process would, and a resumed run, which restores the generator, exactly those of
an uninterrupted one. Reordering these draws changes every later number of a run.

Batch (the contract's WindowSampler.batch, as tensors, raw units): Bt windows of k context and F >= C future
steps, drawn as R = Bt / G runs of G consecutive windows of one episode (G = 1: every window on its own):
  obs (R, k+F+G-1, *obs): run frames; window i of a run reads frames i .. i+k+F-1 (t-k+1 .. t+F);
  actions (R, k+F+G-2, A): actions[:, j] follows obs[:, j];
  goal_obs (Bt, *obs): a hindsight goal per window; goal_steps (Bt,): t_goal - t (for the value).
A window's frames are encoded once per run, not once per window that reads them.
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
from actjepa.world_model.core.target_steps import frames_read
from actjepa.world_model.errors import WorldModelError


@dataclass(frozen=True)
class StepInputs:
    """What the losses of one step read (Bt windows in R runs of G: this process's share of the batch)."""

    obs: Tensor
    """(R, n, *frame) normalised run frames, the n at steps `frames` that the losses read (pixels: (R, n, 3, H, W)),
    shifted when image_shift > 0."""
    frames: list[int]
    "Run frame steps held in obs, ascending; they begin with the context's 0..k-1."
    run_starts: list[int]
    "Run steps whose k-window latents the targets read: i + j for every window i and target step j."
    run: int
    "G: windows per run."
    run_actions: Tensor
    "(R, k+F+G-2, A) normalised actions of the runs."
    actions: Tensor
    "(Bt, k+F-1, A) normalised actions of each window."
    goal: Tensor
    "(Bt, *frame) normalised goals, shifted with their windows."
    context: Tensor | None
    """(Bt, k, *frame) what the online encoder reads when G = 1: the window's first k frames, plus noise when
    obs_noise > 0; None for runs (G > 1), whose windows share their context frames (core/window_latents.py)."""
    mask: Tensor | None
    "(Bt, C) bool time mask of the head's future latents, True = hidden; None for the BC baseline."
    directions: Tensor | None
    "(D, M) SIGReg projection directions; None unless an ACT-JEPA model is regularised by SIGReg."
    goal_steps: Tensor | None
    "(Bt,) t_goal - t for the value regression; None when the batch has none."


def run_length(batch: dict[str, Tensor]) -> int:
    """G, the windows per run of a batch: goal_obs holds one row per window, obs one per run."""
    runs, windows = batch["obs"].shape[0], batch["goal_obs"].shape[0]
    if runs == 0 or windows % runs:
        raise WorldModelError(f"a batch of {windows} goals does not split into runs over {runs} rows of obs")
    return windows // runs


def draw_inputs(
    model: ActJepa,
    batch: dict[str, Tensor],
    image_shift: int,
    obs_noise: float,
    generator: torch.Generator,
    shard: BatchStats = ONE_PROCESS,
    starts: list[int] | None = None,
) -> StepInputs:
    """Normalise the batch and draw the step's shifts, noise, time mask and SIGReg directions (module docstring).

    starts: the steps after t whose target latents the losses read (core/target_steps.py; None: every one);
    only the frames they and the contexts read are normalised.
    """
    g, k = run_length(batch), model.context_len
    length = batch["obs"].shape[1] - (g - 1)  # frames per window, k + F
    starts = list(range(length - k + 1)) if starts is None else starts
    run_starts = sorted({i + j for i in range(g) for j in starts} | set(range(g)))
    frames = frames_read(run_starts, k)
    raw = batch["obs"] if len(frames) == batch["obs"].shape[1] else batch["obs"][:, frames]
    obs = model.normalize_obs(raw)
    run_actions = model.normalize_actions(batch["actions"])
    actions = run_actions.unfold(1, length - 1, 1).movedim(-1, -2).reshape(-1, length - 1, run_actions.shape[-1])
    goal = model.normalize_obs(batch["goal_obs"])
    rows = goal.shape[0] * shard.world_size
    mine = shard.rows(rows)
    if image_shift:  # one offset per run, shared by its frames and its windows' goals (the first window's draw)
        offsets = draw_shifts(rows, image_shift, generator)[mine][::g]
        obs, goal = shift_frames(obs, offsets), shift_frames(goal, offsets.repeat_interleave(g, dim=0))
    context = obs[:, :k] if g == 1 else None
    if obs_noise:  # the online encoder's context only: targets and goals stay the demonstration's
        if context is None:
            raise WorldModelError("obs_noise perturbs each window's own context; train it with windows_per_run 1")
        noise = context_noise((rows, *context.shape[1:]), obs_noise, generator)[mine]
        context = context + noise.to(context.device, context.dtype)
    jepa = not model.cfg.is_bc
    mask = sample_block_mask(rows, model.chunk_len, generator, obs.device)[mine] if jepa else None
    sigreg = jepa and model.cfg.regularizer == "sigreg"
    directions = sigreg_directions(model.latent_dim, generator, obs.device) if sigreg else None
    goal_steps = batch.get("goal_steps")
    return StepInputs(obs, frames, run_starts, g, run_actions, actions, goal, context, mask, directions, goal_steps)
