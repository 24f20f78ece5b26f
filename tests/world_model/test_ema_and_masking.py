"""The target encoder is an exact EMA that never receives gradients; masking hides what it says."""

from __future__ import annotations

import itertools
import math

import torch

from actjepa.world_model import ActJepa
from actjepa.world_model.core.ema import ema_momentum, ema_update
from actjepa.world_model.core.head import ActJepaHead
from actjepa.world_model.core.masking import sample_block_mask
from actjepa.world_model.core.objective import LossSettings, compute_losses
from tests.world_model.conftest import sampler_for, tiny_config


def _batch(model, data, step=0, size=16):
    raw = sampler_for(data, model.cfg).batch(step, size)
    return {k: torch.as_tensor(v) for k, v in raw.items()}


def test_target_encoder_gets_no_gradient_and_follows_ema(state_data, state_stats):
    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    gen = torch.Generator().manual_seed(0)
    before = [p.detach().clone() for p in model.target_encoder.parameters()]
    out = compute_losses(model, _batch(model, state_data), LossSettings(), gen)
    out.total.backward()
    assert all(p.grad is None and not p.requires_grad for p in model.target_encoder.parameters())
    assert all(p.grad is not None for p in model.encoder.parameters())
    opt.step()
    for t, b in zip(model.target_encoder.parameters(), before, strict=True):
        assert torch.equal(t, b)  # the optimizer never touches the target
    m = ema_momentum(3, 10, 0.9, 1.0)
    ema_update(model.target_encoder, model.encoder, m)
    for t, b, o in zip(model.target_encoder.parameters(), before, model.encoder.parameters(), strict=True):
        torch.testing.assert_close(t, m * b + (1 - m) * o.detach(), rtol=1e-6, atol=1e-7)  # float rounding only
        assert torch.equal(t, b.mul(m).add(o.detach(), alpha=1 - m))


def test_momentum_schedule_endpoints_and_monotone():
    values = [ema_momentum(s, 100, 0.99, 1.0) for s in range(101)]
    assert math.isclose(values[0], 0.99) and math.isclose(values[-1], 1.0)
    assert all(a <= b for a, b in itertools.pairwise(values))
    assert math.isclose(values[50], 0.995)


def test_block_mask_is_one_contiguous_block():
    gen = torch.Generator().manual_seed(0)
    mask = sample_block_mask(500, 8, gen)
    lengths = mask.sum(1)
    assert int(lengths.min()) >= 2 and int(lengths.max()) == 8
    for row in mask:
        idx = row.nonzero().flatten()
        assert int(idx[-1] - idx[0] + 1) == len(idx)  # contiguous
    starts = mask.float().argmax(1)
    assert len(set(starts.tolist())) > 3  # blocks start at varied positions


def test_head_masking_hides_masked_latents_and_actions_never_see_the_future():
    cfg = tiny_config()
    torch.manual_seed(0)
    head = ActJepaHead(cfg).eval()
    b, c, d = 6, cfg.chunk_len, cfg.latent_dim
    z, zg, future = torch.randn(b, d), torch.randn(b, d), torch.randn(b, c, d)
    mask = torch.zeros(b, c, dtype=torch.bool)
    mask[:, 1:3] = True
    changed_masked = future.clone()
    changed_masked[:, 1:3] += 10.0
    changed_visible = future.clone()
    changed_visible[:, 3] += 10.0
    with torch.no_grad():
        a0, p0 = head(z, zg, future, mask)
        a1, p1 = head(z, zg, changed_masked, mask)
        a2, p2 = head(z, zg, changed_visible, mask)
        a3, p3 = head(z, zg)  # inference: all masked
        a4, _ = head(z, zg, predict_latents=False)
    torch.testing.assert_close(p0, p1)  # masked inputs are invisible
    assert not torch.allclose(p0, p2)  # visible inputs are used
    for a in (a1, a2, a3, a4):
        torch.testing.assert_close(a, a0)  # actions never depend on future latents
    full = torch.ones(b, c, dtype=torch.bool)
    torch.testing.assert_close(head(z, zg, future, full)[1], p3)
