"""A step's inputs: every random draw is for the global batch, so each process's share equals the rows one
process would use, and the draws come in one fixed order from the training generator."""

from __future__ import annotations

import pytest
import torch

from actjepa.world_model.core.augment import context_noise, draw_shifts
from actjepa.world_model.core.batch_stats import ONE_PROCESS, BatchStats
from actjepa.world_model.core.inputs import draw_inputs
from actjepa.world_model.core.masking import sample_block_mask
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.regularizers import sigreg_directions
from tests.world_model.conftest import sampler_for, tiny_config
from tests.world_model.synthetic import make_episodes, norm_stats


def _model_and_batch(pixels: bool, size: int = 8, **overrides) -> tuple[ActJepa, dict[str, torch.Tensor]]:
    data = make_episodes(4, 12, seed=2, pixels=pixels)
    cfg = tiny_config(pixels=pixels, **overrides)
    torch.manual_seed(0)
    model = ActJepa(cfg, norm_stats(data))
    return model, {k: torch.from_numpy(v) for k, v in sampler_for(data, cfg).batch(0, size).items()}


@pytest.mark.parametrize(
    ("pixels", "shift", "noise", "overrides"),
    [(True, 3, 0.0, {"regularizer": "sigreg"}), (False, 0, 0.5, {}), (False, 0, 0.5, {"baseline": "bc"})],
)
def test_each_process_draws_the_rows_one_process_would(pixels, shift, noise, overrides):
    model, batch = _model_and_batch(pixels, **overrides)
    whole = draw_inputs(model, batch, shift, noise, torch.Generator().manual_seed(1), ONE_PROCESS)
    for rank in (0, 1):
        rows = slice(4 * rank, 4 * rank + 4)
        part = draw_inputs(
            model,
            {k: v[rows] for k, v in batch.items()},
            shift,
            noise,
            torch.Generator().manual_seed(1),
            BatchStats(rank, 2),
        )
        for name in ("obs", "actions", "goal", "context", "mask", "goal_steps"):
            got, want = getattr(part, name), getattr(whole, name)
            assert (got is None and want is None) or torch.equal(got, want[rows]), name
        assert (part.directions is None) == (whole.directions is None)
        if whole.directions is not None:
            assert torch.equal(part.directions, whole.directions)  # not per row: the same on every process


def test_the_draws_come_in_order_shifts_noise_mask_directions():
    """The order is part of every run's numbers: a reordering would change a resumed run's continuation."""
    model, batch = _model_and_batch(True, regularizer="sigreg")
    got = draw_inputs(model, batch, 2, 0.0, torch.Generator().manual_seed(5))
    gen = torch.Generator().manual_seed(5)
    draw_shifts(8, 2, gen)
    mask = sample_block_mask(8, model.chunk_len, gen)
    assert torch.equal(got.mask, mask)
    assert torch.equal(got.directions, sigreg_directions(model.latent_dim, gen))
    state, noisy = _model_and_batch(False)
    got = draw_inputs(state, noisy, 0, 0.3, torch.Generator().manual_seed(5))
    gen = torch.Generator().manual_seed(5)
    noise = context_noise((8, state.context_len, 4), 0.3, gen)
    assert torch.allclose(got.context - state.normalize_obs(noisy["obs"])[:, :1], noise, atol=1e-6)
    assert torch.equal(got.mask, sample_block_mask(8, state.chunk_len, gen))
    assert got.directions is None  # VICReg draws nothing


def test_a_window_and_its_goal_share_one_shift():
    model, batch = _model_and_batch(True)
    batch["goal_obs"] = batch["obs"][:, -1].clone()  # the goal is the window's last frame
    x = draw_inputs(model, batch, 4, 0.0, torch.Generator().manual_seed(0))
    assert torch.equal(x.goal, x.obs[:, -1])
    clean = model.normalize_obs(batch["obs"])
    assert any(not torch.equal(x.obs[i], clean[i]) for i in range(8))


def test_without_augmentation_the_inputs_are_the_normalised_batch():
    model, batch = _model_and_batch(False)
    x = draw_inputs(model, batch, 0, 0.0, torch.Generator().manual_seed(0))
    assert torch.equal(x.obs, model.normalize_obs(batch["obs"])) and torch.equal(x.context, x.obs[:, :1])
    assert torch.equal(x.goal, model.normalize_obs(batch["goal_obs"]))
    assert torch.equal(x.actions, model.normalize_actions(batch["actions"]))
