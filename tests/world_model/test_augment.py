"""Random-shift augmentation: each sample moves by its offset with edges repeated, and pixel models alone accept it
(a window and its goal share one offset, and ranks draw as one process would: test_inputs.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from actjepa.world_model.core.augment import draw_shifts, shift_frames
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.core.objective import compute_losses
from actjepa.world_model.errors import WorldModelError
from actjepa.world_model.training.train import train
from tests.world_model.conftest import META, sampler_for, tiny_config, tiny_train
from tests.world_model.synthetic import make_episodes, norm_stats


def _reference(frames: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """out[..., i, j] = frames[..., clip(i + dy), clip(j + dx)] by numpy indexing."""
    h, w = frames.shape[-2:]
    rows = np.clip(np.arange(h) + dy, 0, h - 1)
    cols = np.clip(np.arange(w) + dx, 0, w - 1)
    return frames[..., rows, :][..., cols]


@settings(max_examples=30, deadline=None)
@given(dy=st.integers(-5, 5), dx=st.integers(-5, 5), seed=st.integers(0, 1000))
def test_each_sample_is_translated_by_its_offset_with_edges_repeated(dy, dx, seed):
    frames = np.random.default_rng(seed).integers(0, 256, (2, 3, 3, 9, 11), dtype=np.uint8)
    offsets = torch.tensor([[dy, dx], [0, 0]])
    out = shift_frames(torch.from_numpy(frames), offsets).numpy()
    assert out.dtype == np.uint8 and out.shape == frames.shape
    np.testing.assert_array_equal(out[0], _reference(frames[0], dy, dx))
    np.testing.assert_array_equal(out[1], frames[1])  # a zero offset leaves the sample alone


def test_offsets_cover_the_range_and_follow_the_generator():
    a = draw_shifts(4000, 3, torch.Generator().manual_seed(5))
    b = draw_shifts(4000, 3, torch.Generator().manual_seed(5))
    assert torch.equal(a, b) and a.shape == (4000, 2)
    assert set(a.flatten().tolist()) == set(range(-3, 4))


def test_the_shift_changes_the_pixel_losses_and_is_repeatable():
    data = make_episodes(4, 12, seed=2, pixels=True)
    cfg = tiny_config(pixels=True)
    torch.manual_seed(0)
    model = ActJepa(cfg, norm_stats(data))
    batch = {k: torch.from_numpy(v) for k, v in sampler_for(data, cfg).batch(0, 8).items()}

    def total(shift: int) -> float:
        weights = tiny_train(image_shift=shift).loss
        return compute_losses(model, batch, weights, torch.Generator().manual_seed(3)).total_value

    assert total(4) == total(4) and total(4) != total(0)


@pytest.mark.parametrize(
    ("pixels", "shift", "message"),
    [(False, 2, "reads states"), (True, 32, "too large for 64-pixel frames")],
)
def test_a_state_model_or_an_oversized_shift_is_refused_before_anything_is_written(tmp_path, pixels, shift, message):
    data = make_episodes(4, 12, seed=2, pixels=pixels)
    cfg = tiny_config(pixels=pixels)
    with pytest.raises(WorldModelError, match=message):
        train(cfg, tiny_train(image_shift=shift), sampler_for(data, cfg).batch, norm_stats(data), tmp_path / "r", META)
    assert not (tmp_path / "r").exists()


def test_a_negative_shift_is_refused():
    with pytest.raises(WorldModelError, match="image_shift must be >= 0"):
        tiny_train(image_shift=-1)
