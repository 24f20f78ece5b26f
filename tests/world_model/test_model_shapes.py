"""Every verb returns the contract's shapes, in raw units, for state and pixel models."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actjepa.world_model import ActJepa, ModelConfig
from actjepa.world_model.errors import WorldModelError
from tests.world_model.conftest import tiny_config
from tests.world_model.synthetic import make_episodes, norm_stats

B, N, H = 3, 5, 7


def _model(pixels: bool, **kw) -> tuple[ActJepa, dict]:
    data = make_episodes(4, 10, seed=1, pixels=pixels)
    cfg = tiny_config(pixels=pixels, **kw)
    torch.manual_seed(0)
    return ActJepa(cfg, norm_stats(data)), data


@pytest.mark.parametrize("pixels", [False, True])
def test_verb_shapes(pixels):
    model, data = _model(pixels)
    k, c, d, a = model.context_len, model.chunk_len, model.latent_dim, model.action_dim
    obs = torch.as_tensor(data["observations"][:B, :k])
    hist = torch.zeros(B, k - 1, a)
    goal = torch.as_tensor(data["observations"][:B, -1])
    with torch.no_grad():
        z = model.encode(obs, hist)
        zg = model.encode_goal(goal)
        assert z.shape == (B, d) and zg.shape == (B, d)
        assert model.step(z, torch.zeros(B, a)).shape == (B, d)
        assert model.step(z[:, None].expand(B, N, d), torch.zeros(B, N, a)).shape == (B, N, d)
        assert model.rollout(z, torch.zeros(B, N, H, a)).shape == (B, N, H, d)
        for horizon in (1, c, 2 * c + 1):
            mean, std = model.action_prior(z, zg, horizon)
            assert mean.shape == std.shape == (B, horizon, a)
            assert bool((std > 0).all())
        assert model.act(obs, goal, hist).shape == (B, c, a)
    if pixels:
        assert obs.dtype == torch.uint8


def test_rollout_matches_repeated_step():
    model, _ = _model(False)
    z0 = torch.randn(B, model.latent_dim)
    actions = torch.randn(B, N, H, model.action_dim)
    with torch.no_grad():
        rolled = model.rollout(z0, actions)
        z = z0[:, None].expand(B, N, -1)
        for h in range(H):
            z = model.step(z, actions[:, :, h])
            torch.testing.assert_close(rolled[:, :, h], z)


def test_action_prior_units_and_chaining():
    """The prior is the head's chunk in raw units; past C it continues from the predicted latent."""
    model, _ = _model(False)
    z, zg = torch.randn(B, model.latent_dim), torch.randn(B, model.latent_dim)
    c = model.chunk_len
    with torch.no_grad():
        mean, std = model.action_prior(z, zg, 2 * c)
        head_n, _ = model.head(z, zg, predict_latents=False)
        torch.testing.assert_close(mean[:, :c], head_n * model.action_std + model.action_mean)
        z_next = model.rollout(z, (mean[:, None, :c]))[:, 0, -1]
        head_next, _ = model.head(z_next, zg, predict_latents=False)
        torch.testing.assert_close(mean[:, c:], head_next * model.action_std + model.action_mean, rtol=1e-4, atol=1e-5)
    expected_std = model.action_scale * np.sqrt(2.0) * model.action_std
    torch.testing.assert_close(std[0, :c], expected_std)


def test_goal_encoding_repeats_goal_with_zero_actions():
    model, data = _model(True)
    goal = torch.as_tensor(data["observations"][:B, 3])
    with torch.no_grad():
        zg = model.encode_goal(goal)
        manual = model.encode(
            goal[:, None].repeat(1, model.context_len, 1, 1, 1), torch.zeros(B, model.context_len - 1, 2)
        )
    torch.testing.assert_close(zg, manual)


def test_normalisation_is_applied():
    """Raw inputs are normalised with the stored statistics, so shifting both by the mean changes nothing."""
    model, data = _model(False)
    obs = torch.as_tensor(data["observations"][:B, :1])
    stats = {k: getattr(model, k).numpy() for k in ("obs_mean", "obs_std", "action_mean", "action_std")}
    shifted = dict(stats, obs_mean=stats["obs_mean"] + 5.0)
    other = ActJepa(model.cfg, shifted)
    other.load_state_dict({**model.state_dict(), "obs_mean": torch.as_tensor(shifted["obs_mean"])})
    with torch.no_grad():
        torch.testing.assert_close(other.encode(obs + 5.0), model.encode(obs))


def test_bad_inputs_raise_one_line_errors():
    model, _ = _model(False)
    with pytest.raises(WorldModelError, match="expected"):
        model.encode(torch.zeros(B, 4))
    with pytest.raises(WorldModelError, match="rollout actions"):
        model.rollout(torch.zeros(B, model.latent_dim), torch.zeros(B, H, 2))
    with pytest.raises(WorldModelError, match="obs_mode"):
        ModelConfig(obs_shape=(4,), action_dim=2, obs_mode="depth")
    with pytest.raises(WorldModelError, match="normalisation statistic obs_mean"):
        ActJepa(
            model.cfg,
            {"obs_mean": np.zeros(3), "obs_std": np.ones(4), "action_mean": np.zeros(2), "action_std": np.ones(2)},
        )


def test_bc_model_has_no_target_encoder_but_every_verb():
    model, _ = _model(False, baseline="bc")
    assert model.target_encoder is None and model.inference_encoder is model.encoder
    z = torch.randn(B, model.latent_dim)
    with torch.no_grad():
        assert model.rollout(z, torch.zeros(B, N, H, 2)).shape == (B, N, H, model.latent_dim)
        assert model.action_prior(z, z, H)[0].shape == (B, H, 2)


def test_default_predictor_cost():
    cfg = ModelConfig(obs_shape=(6,), action_dim=2)
    model = ActJepa(
        cfg, {"obs_mean": np.zeros(6), "obs_std": np.ones(6), "action_mean": np.zeros(2), "action_std": np.ones(2)}
    )
    assert model.predictor.flops_per_step() == 2 * (64 * 256 + 2 * 256 + 256 * 64)
