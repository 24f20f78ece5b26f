"""Context noise: the online encoder reads perturbed states, the targets stay the demonstration's, and state
models alone accept it (ranks draw as one process would: test_inputs.py)."""

from __future__ import annotations

import math

import pytest
import torch

from actjepa.world_model.core.augment import context_noise
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.objective import compute_losses
from actjepa.world_model.errors import WorldModelError
from actjepa.world_model.training.train import train
from tests.world_model.conftest import META, sampler_for, tiny_config, tiny_train
from tests.world_model.synthetic import make_episodes, norm_stats


def _model_and_batch(baseline: str | None = None) -> tuple[ActJepa, dict[str, torch.Tensor]]:
    data = make_episodes(4, 12, seed=2)
    cfg = tiny_config(baseline=baseline) if baseline else tiny_config()
    torch.manual_seed(0)
    model = ActJepa(cfg, norm_stats(data))
    return model, {k: torch.from_numpy(v) for k, v in sampler_for(data, cfg).batch(0, 8).items()}


def test_noise_has_the_asked_std_and_follows_the_generator():
    a = context_noise((4000, 2, 5), 0.3, torch.Generator().manual_seed(1))
    b = context_noise((4000, 2, 5), 0.3, torch.Generator().manual_seed(1))
    assert torch.equal(a, b)
    assert a.std().item() == pytest.approx(0.3, rel=0.02) and abs(a.mean().item()) < 0.01


@pytest.mark.parametrize("baseline", [None, "bc"])
def test_only_the_online_context_is_perturbed(monkeypatch, baseline):
    """The encoder that makes the targets sees the clean window; the online encoder a noisy context."""
    model, batch = _model_and_batch(baseline)
    clean = model.normalize_obs(batch["obs"])
    seen: dict[str, torch.Tensor] = {}
    target = model.encoder if baseline else model.target_encoder
    windows, online = target.encode_at, model.encoder.forward

    def record_windows(obs, actions, starts, frames):
        seen["targets"] = obs
        return windows(obs, actions, starts, frames)

    def record_context(obs, actions):
        seen.setdefault("context", obs)
        return online(obs, actions)

    monkeypatch.setattr(target, "encode_at", record_windows)
    monkeypatch.setattr(model.encoder, "forward", record_context)
    weights = tiny_train(obs_noise=0.2).loss
    compute_losses(model, batch, weights, torch.Generator().manual_seed(3))
    k = model.context_len
    assert torch.equal(seen["targets"], clean)
    noise = seen["context"] - clean[:, :k]
    assert noise.abs().min() > 0 and 0.1 < noise.std().item() < 0.3


def test_noise_changes_the_losses_and_is_repeatable():
    model, batch = _model_and_batch()

    def total(std: float) -> float:
        return compute_losses(
            model, batch, tiny_train(obs_noise=std).loss, torch.Generator().manual_seed(3)
        ).total_value

    assert total(0.1) == total(0.1) and total(0.1) != total(0.0)


def test_a_pixel_model_is_refused_before_anything_is_written(tmp_path):
    data = make_episodes(4, 12, seed=2, pixels=True)
    cfg = tiny_config(pixels=True)
    with pytest.raises(WorldModelError, match="obs_noise perturbs state vectors but this model reads pixels"):
        train(cfg, tiny_train(obs_noise=0.1), sampler_for(data, cfg).batch, norm_stats(data), tmp_path / "r", META)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("std", [-0.1, math.nan, math.inf])
def test_a_negative_or_non_finite_std_is_refused(std):
    with pytest.raises(WorldModelError, match="obs_noise must be a finite std >= 0"):
        tiny_train(obs_noise=std)
