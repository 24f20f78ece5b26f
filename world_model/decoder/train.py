"""Fitting a LatentDecoder to a frozen world model.

The world model is only read: it is put in eval mode with every parameter's requires_grad off, and the latents
are computed once under torch.no_grad, so no gradient or update can reach it; only the decoder is optimised.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch
from torch import Tensor
from tqdm import tqdm

from actjepa.world_model.decoder.data import DecoderData, encode_episodes, target_moments
from actjepa.world_model.decoder.evaluate import decoder_report
from actjepa.world_model.decoder.model import DecoderConfig, LatentDecoder
from actjepa.world_model.errors import WorldModelError


@contextlib.contextmanager
def frozen(model: torch.nn.Module) -> Iterator[None]:
    """The model in eval mode with requires_grad off for every parameter; both restored afterwards."""
    was_training = model.training
    wanted = [p.requires_grad for p in model.parameters()]
    model.eval().requires_grad_(False)
    try:
        yield
    finally:
        for param, flag in zip(model.parameters(), wanted, strict=True):
            param.requires_grad_(flag)
        model.train(was_training)


def training_pairs(model, data: DecoderData, episodes: np.ndarray) -> tuple[Tensor, np.ndarray, np.ndarray]:
    """Latents (N, D) of every window of `episodes`, with the observation (N, *obs) and goal (N, G) each ends at."""
    k = model.context_len
    latents = encode_episodes(model, data.observations[episodes], data.actions[episodes])
    obs = data.observations[episodes][:, k - 1 :]
    goals = data.achieved_goals[episodes][:, k - 1 :]
    return latents.reshape(-1, latents.shape[-1]), obs.reshape(-1, *obs.shape[2:]), goals.reshape(-1, goals.shape[-1])


def _goal_stats(goals: Tensor) -> dict[str, Tensor]:
    return {"goal_mean": goals.mean(0), "goal_std": goals.std(0, unbiased=False).clamp_min(1e-6)}


def fit_decoder(
    model, latents: Tensor, obs: np.ndarray, goals: np.ndarray, cfg: DecoderConfig, progress: bool = False
) -> tuple[LatentDecoder, float]:
    """A decoder fitted to (latent -> observation, achieved goal) pairs, and its last training loss.

    latents (N, D) on the model's device, obs (N, *obs) and goals (N, G) raw. Only the decoder's parameters are
    optimised; `model` only supplies its observation normalisation.
    """
    device = model.device
    torch.manual_seed(cfg.seed)
    goal_t = torch.as_tensor(goals, dtype=torch.float32, device=device)
    stats = {"obs_mean": model.obs_mean, "obs_std": model.obs_std, **_goal_stats(goal_t)}
    decoder = LatentDecoder(model.cfg, cfg, stats).to(device).train()
    optimizer = torch.optim.AdamW(decoder.parameters(), lr=cfg.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=cfg.steps)
    generator = torch.Generator().manual_seed(cfg.seed)
    loss = torch.zeros(())
    for step in tqdm(range(cfg.steps), disable=not progress, dynamic_ncols=True, desc="decoder"):
        rows = torch.randint(len(latents), (cfg.batch_size,), generator=generator)
        with torch.no_grad():
            obs_n = model.normalize_obs(obs[rows.numpy()])
            goal_n = (goal_t[rows.to(device)] - decoder.goal_mean) / decoder.goal_std
        pred_obs, pred_goal = decoder(latents[rows.to(device)])
        loss = torch.nn.functional.mse_loss(pred_obs, obs_n) + torch.nn.functional.mse_loss(pred_goal, goal_n)
        if not torch.isfinite(loss):
            raise WorldModelError(f"the decoder loss became {float(loss)} at step {step + 1}; lower --lr")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
    return decoder.eval(), float(loss.detach())


def train_decoder(
    model, data: DecoderData, cfg: DecoderConfig, progress: bool = False
) -> tuple[LatentDecoder, dict[str, object]]:
    """Fit a decoder to the frozen `model` on the training episodes and measure it on the held-out ones.

    Returns the decoder (eval mode, on the model's device) and its report: held-out reconstruction error of
    encoder latents against predicting the mean, and the error of decoded imagined latents (the model's rollout
    from a held-out window through the true actions) at cfg.rollout_steps.
    """
    if len(data.heldout_episodes) == 0 or len(data.train_episodes) == 0:
        raise WorldModelError("the decoder needs at least one training and one held-out episode; collect more")
    with frozen(model):
        latents, obs, goals = training_pairs(model, data, data.train_episodes)
        decoder, last_loss = fit_decoder(model, latents, obs, goals, cfg, progress)
        report = decoder_report(decoder, model, data, cfg, target_moments(model, obs))
    report["final_train_loss"] = last_loss
    return decoder, report
