"""The latents a training step reads from its window frames: online contexts and target latents, per window.

Windows come in runs of G consecutive windows of one episode (core/inputs.py): every latent is computed once
per run from the run's frames, each frame embedded once, then handed to each window that reads it.
"""

from __future__ import annotations

import torch
from torch import Tensor

from actjepa.world_model.core.encoders import ContextEncoder
from actjepa.world_model.core.inputs import StepInputs


def context_latents(encoder: ContextEncoder, x: StepInputs) -> Tensor:
    """Each window's context latent (Bt, D) from its first k frames (window i of a run: run frames i..i+k-1)."""
    k = encoder.k
    if x.context is not None:
        return encoder(x.context, x.actions[:, : k - 1])
    n = x.run + k - 1  # run frames 0 .. G+k-2, the first in x.frames
    latents = encoder.encode_at(x.obs[:, :n], x.run_actions, list(range(x.run)), x.frames[:n])  # (R, G, D)
    return latents.reshape(-1, latents.shape[-1])


def window_targets(encoder: ContextEncoder, x: StepInputs, starts: list[int]) -> Tensor:
    """Latents (Bt, S, D) of each window at t+j for j in starts: the run's latent at i+j for window i."""
    latents = encoder.encode_at(x.obs, x.run_actions, x.run_starts, x.frames)  # (R, S_run, D)
    if x.run == 1 and x.run_starts == starts:
        return latents
    place = {step: n for n, step in enumerate(x.run_starts)}
    index = torch.tensor([[place[i + j] for j in starts] for i in range(x.run)], device=latents.device)
    return latents[:, index].reshape(-1, len(starts), latents.shape[-1])
