"""Sparse targets and the cheaper pixel encoder: what a pixel step encodes, and that it reads nothing else.

A target latent encodes k frames, so the steps that get targets set most of a pixel step's cost. The losses
must then read only the frames those targets (and the context) need: a frame no target reads is filled with
NaN here, and the losses stay finite.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from actjepa.world_model import ActJepa
from actjepa.world_model.core.encoders import PixelEmbedder
from actjepa.world_model.core.objective import compute_losses
from actjepa.world_model.core.target_steps import frames_read, target_starts
from actjepa.world_model.errors import WorldModelError
from tests.world_model.conftest import tiny_config, tiny_train
from tests.world_model.synthetic import make_episodes, norm_stats


@given(future=st.integers(1, 64), chunk=st.integers(1, 16), rollout=st.integers(1, 64), stride=st.integers(1, 20))
def test_target_starts_keep_the_chunk_and_the_rollouts_end(future, chunk, rollout, stride):
    chunk = min(chunk, future)
    starts = target_starts(future, chunk, rollout, stride)
    assert starts == sorted(set(starts)) and starts[0] == 0 and starts[-1] <= future
    assert set(range(chunk + 1)) <= set(starts)
    assert min(rollout, future) in starts
    if stride == 1:
        assert starts == list(range(future + 1))
    else:
        beyond = [j for j in starts if j > chunk]
        assert len(beyond) <= max(0, math.ceil((min(rollout, future) - chunk) / stride)) + 1


def test_stride_8_on_a_33_step_window_keeps_the_chunk_and_every_eighth_step():
    starts = target_starts(32, 8, 32, 8)
    assert starts == [0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 24, 32]
    assert frames_read(starts, 3) == [*range(11), 16, 17, 18, 24, 25, 26, 32, 33, 34]  # 20 of 35 frames


def _pixel_model(**kw) -> tuple[ActJepa, dict]:
    data = make_episodes(6, 24, seed=2, pixels=True)
    torch.manual_seed(0)
    return ActJepa(tiny_config(pixels=True, **kw), norm_stats(data)), data


def _window_batch(data: dict, future: int, k: int) -> dict[str, torch.Tensor]:
    length = k + future
    return {
        "obs": torch.as_tensor(data["observations"][:, :length]),
        "actions": torch.as_tensor(data["actions"][:, : length - 1]),
        "goal_obs": torch.as_tensor(data["observations"][:, -1]),
        "goal_steps": torch.full((data["actions"].shape[0],), 5),
    }


def test_targets_at_chosen_steps_equal_those_of_every_window():
    model, data = _pixel_model()
    k, future = model.context_len, 12
    batch = _window_batch(data, future, k)
    obs, actions = model.normalize_obs(batch["obs"]), model.normalize_actions(batch["actions"])
    starts = target_starts(future, model.chunk_len, future, 5)
    frames = frames_read(starts, k)
    with torch.no_grad():
        every = model.target_encoder.encode_windows(obs, actions)
        chosen = model.target_encoder.encode_at(obs[:, frames], actions, starts, frames)
    torch.testing.assert_close(chosen, every[:, starts])


@pytest.mark.parametrize("stride", [1, 5])
def test_the_losses_read_only_the_frames_their_targets_need(stride):
    model, data = _pixel_model(value_hidden=8)
    k, future = model.context_len, 12
    batch = _window_batch(data, future, k)
    unread = sorted(set(range(k + future)) - set(frames_read(target_starts(future, model.chunk_len, 12, stride), k)))
    assert bool(unread) == (stride > 1)
    obs = batch["obs"].to(torch.float32)  # raw 0..255 units, NaN where no target reads
    obs[:, unread] = float("nan")
    settings = tiny_train(rollout_horizon=12, target_stride=stride).loss
    out = compute_losses(model, {**batch, "obs": obs}, settings, torch.Generator().manual_seed(0))
    assert all(torch.isfinite(v) for v in out.parts.values()) and torch.isfinite(out.total)
    obs[:, k + future - 1] = float("nan")  # the last frame, which the rollout's last target reads
    out = compute_losses(model, {**batch, "obs": obs}, settings, torch.Generator().manual_seed(0))
    assert not torch.isfinite(out.parts["predictor"])


def test_a_goal_is_embedded_once_and_gives_the_latent_of_its_frame_repeated():
    model, data = _pixel_model()
    goal = torch.as_tensor(data["observations"][:3, -1])
    k = model.context_len
    with torch.no_grad(), FlopCounterMode(display=False) as once:
        z = model.encode_goal(goal)
        repeated = model.encode(goal[:, None].expand(-1, k, *goal.shape[1:]), None)
    torch.testing.assert_close(z, repeated)
    with FlopCounterMode(display=False) as frame_cost, torch.no_grad():
        model.encoder.embed_frames(model.normalize_obs(goal))
    assert once.get_total_flops() < (1 + k) * frame_cost.get_total_flops() * 1.05  # 1 frame + the k repeated ones


@pytest.mark.parametrize(
    ("layout", "channels", "mflop"), [("strided", 32, 19.89), ("patch", 32, 4.85), ("patch", 16, 1.51)]
)
def test_pixel_encoder_cost_per_64x64_frame(layout, channels, mflop):
    embedder = PixelEmbedder((64, 64), channels, 128, layout)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        out = embedder(torch.zeros(1, 3, 64, 64))
    assert out.shape == (1, 128)
    assert counter.get_total_flops() / 1e6 == pytest.approx(mflop, abs=0.01)


def test_bad_stride_and_layout_are_refused():
    with pytest.raises(WorldModelError, match="target_stride must be at least 1, got 0"):
        tiny_train(target_stride=0)
    with pytest.raises(WorldModelError, match="pixel_encoder 'vit' is unknown; use one of strided, patch"):
        tiny_config(pixels=True, pixel_encoder="vit")
