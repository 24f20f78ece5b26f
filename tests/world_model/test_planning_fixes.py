"""The world-model properties planning relies on: a reachable regularizer, predictions on the
encoder's manifold, one encoder for the head, rollout losses to the trained horizon, a monotone value."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from actjepa.world_model import ModelConfig, TrainConfig
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.objective import compute_losses
from actjepa.world_model.core.regularizers import vicreg
from actjepa.world_model.core.value import GoalValue, expectile_loss
from tests.world_model.conftest import tiny_config, tiny_train
from tests.world_model.synthetic import Sampler


def _layernormed_manifold(n: int = 512, dim: int = 64, intrinsic: int = 8, seed: int = 0) -> torch.Tensor:
    """Latents as a non-affine LayerNorm leaves them: an 8-D state embedded in 64 dims, each row of norm sqrt(D)."""
    g = torch.Generator().manual_seed(seed)
    state = torch.randn(n, intrinsic, generator=g)
    mix = torch.randn(intrinsic, dim, generator=g)
    return F.layer_norm(torch.tanh(state @ mix / math.sqrt(intrinsic)), (dim,))


def test_vicreg_default_target_is_reachable_under_layernorm():
    """Normalised latents that follow a low-dimensional state pay (almost) nothing at the default target,
    while the classic std >= 1 hinge charges them for not filling the whole sphere."""
    z = _layernormed_manifold()
    default = TrainConfig().loss.vicreg_std_target
    hinge_only = lambda target: float(torch.relu(target - torch.sqrt(z.var(dim=0) + 1e-4)).mean())  # noqa: E731
    assert hinge_only(default) < 0.01
    assert hinge_only(1.0) > 0.05
    assert float(vicreg(z, default)) < float(vicreg(z, 1.0))


def test_predicted_latents_stay_on_the_encoder_sphere(state_stats):
    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats)
    d = model.latent_dim
    z0 = model.encode(torch.randn(3, 1, 4))
    latents = model.rollout(z0, torch.randn(3, 5, 20, 2) * 3)
    np.testing.assert_allclose(latents.norm(dim=-1).detach().numpy(), math.sqrt(d), rtol=1e-3)
    np.testing.assert_allclose(z0.norm(dim=-1).detach().numpy(), math.sqrt(d), rtol=1e-3)
    legacy = ActJepa(tiny_config(predictor_norm=False), state_stats)
    assert not torch.allclose(legacy.rollout(z0, torch.randn(3, 5, 20, 2) * 3).norm(dim=-1), torch.tensor(math.sqrt(d)))


def test_head_reads_the_encoder_it_was_trained_on(state_data, state_stats):
    """The head is trained on the online encoder's latents; act() and encode() use that encoder too."""
    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats)
    assert model.cfg.inference_encoder == "online" and model.inference_encoder is model.encoder
    obs, goal = torch.as_tensor(state_data["observations"][:4, :1]), torch.as_tensor(state_data["observations"][:4, -1])
    before = model.act(obs, goal)
    with torch.no_grad():
        for p in model.target_encoder.parameters():
            p.add_(1.0)
    torch.testing.assert_close(model.act(obs, goal), before)
    assert torch.equal(model.encode(obs), model.encoder(model.normalize_obs(obs), model._history_actions(None, 4)))


def test_legacy_checkpoint_configs_keep_their_behaviour():
    """A config saved before these fields existed loads with the values it was trained with."""
    saved = tiny_config().to_dict()
    for key in ("predictor_norm", "value_hidden", "inference_encoder"):
        saved.pop(key)
    old = ModelConfig.from_dict(saved)
    assert (old.predictor_norm, old.value_hidden, old.inference_encoder) == (False, 0, "target")


def test_predictor_loss_runs_to_the_rollout_horizon(state_data, state_stats):
    """With 12 future steps in the batch the rollout loss covers rollout_horizon of them; fewer than C is an error."""
    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats)
    batch = {k: torch.as_tensor(v) for k, v in Sampler(state_data, 1, 12).batch(0, 16).items()}
    gen = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    short = compute_losses(model, batch, tiny_train(rollout_horizon=4).loss, gen()).parts["predictor"]
    long = compute_losses(model, batch, tiny_train(rollout_horizon=12).loss, gen()).parts["predictor"]
    assert float(long.detach()) != pytest.approx(float(short.detach()), rel=1e-3)
    cut = {k: (v[:, :4] if k in ("obs", "actions") else v) for k, v in batch.items()}
    with pytest.raises(Exception, match="future steps"):
        compute_losses(model, cut, tiny_train().loss, gen())


def test_value_is_monotone_in_steps_to_goal_on_a_chain():
    """States 0..19 on a line, goal at 19, relabelled targets from random walks that reach it: after training,
    V decreases toward the goal and is near zero there."""
    torch.manual_seed(0)
    cfg = tiny_config(latent_dim=8, value_hidden=32, value_scale=10.0)
    net = GoalValue(cfg)
    emb = F.layer_norm(torch.randn(20, 8), (8,))
    rng = np.random.default_rng(0)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for _ in range(600):
        s = rng.integers(0, 20, 256)
        detour = rng.integers(0, 6, 256) * (rng.random(256) < 0.5)  # some demonstrations wander first
        steps = torch.as_tensor(19 - s + detour, dtype=torch.float32)
        pred = net.units(emb[s], emb[19].expand(256, -1))
        loss = expectile_loss(pred, steps / net.scale, 0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        v = net(emb, emb[19].expand(20, -1)).numpy()
    assert np.all(np.diff(v) < 0), v
    assert v[-1] < 1.5 and v[0] == pytest.approx(19, abs=3)
