"""The latent decoder: fitted without touching the world model, pixel frames out, saved and loaded safely."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from actjepa.world_model import ActJepa, save_checkpoint
from actjepa.world_model.decoder.data import DecoderData
from actjepa.world_model.decoder.model import DECODER_FILE, DECODER_INFO_FILE, DecoderConfig, load_decoder, save_decoder
from actjepa.world_model.decoder.train import train_decoder
from actjepa.world_model.errors import CheckpointError, WorldModelError
from tests.world_model.conftest import tiny_config
from tests.world_model.synthetic import make_episodes, norm_stats


def decoder_data(data: dict[str, np.ndarray], heldout: int = 2) -> DecoderData:
    """Synthetic episodes with the position as the achieved goal and the last `heldout` episodes held out."""
    obs = data["observations"]
    positions = obs[..., :2] if obs.ndim == 3 else np.zeros((*obs.shape[:2], 2), dtype=np.float32)
    count = len(obs)
    return DecoderData(
        observations=obs,
        actions=data["actions"],
        achieved_goals=positions,
        train_episodes=np.arange(count - heldout),
        heldout_episodes=np.arange(count - heldout, count),
    )


def test_fitting_sends_nothing_into_the_world_model():
    torch.manual_seed(0)
    data = make_episodes(num_episodes=6, steps=20)
    model = ActJepa(tiny_config(), norm_stats(data)).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    flags = [p.requires_grad for p in model.parameters()]
    assert sum(flags) > len(flags) // 2  # the online encoder, predictor and head train; the EMA target does not

    decoder, report = train_decoder(model, decoder_data(data), DecoderConfig(steps=3, batch_size=16, hidden=32))

    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # bit-identical weights and buffers
    assert all(p.grad is None for p in model.parameters())
    assert [p.requires_grad for p in model.parameters()] == flags and model.training  # the caller's flags come back
    assert all(p.grad is not None for p in decoder.parameters())  # the decoder itself did learn
    assert np.isfinite(report["heldout"]["observation_error"]) and report["imagined"]["steps"] == [1, 8, 16]


def test_pixel_models_decode_to_frames_from_the_last_frame_of_the_window():
    torch.manual_seed(0)
    data = make_episodes(num_episodes=4, steps=10, pixels=True)
    model = ActJepa(tiny_config(pixels=True), norm_stats(data))
    cfg = DecoderConfig(steps=2, batch_size=8, hidden=16, channels=4, rollout_steps=(1, 4, 16))
    decoder, report = train_decoder(model, decoder_data(data, heldout=1), cfg)

    with torch.no_grad():
        z = model.encode(data["observations"][:2, :2])  # windows of k = 2 frames
        frames, goals = decoder.decode(z)
    assert frames.dtype == torch.uint8 and tuple(frames.shape) == (2, 64, 64, 3)
    assert tuple(goals.shape) == (2, 2)
    # 10 steps with a context of 2 leave room for rollouts of at most 9 steps: 16 is left out, not extrapolated
    assert report["imagined"]["steps"] == [1, 4] and all(np.isfinite(report["imagined"]["observation_error"]))
    assert report["heldout"]["pairs"] == 10  # one held-out episode, 11 frames, windows of 2


@pytest.fixture
def fitted(tmp_path):
    """A checkpoint folder with a model and a decoder fitted to it."""
    torch.manual_seed(0)
    data = make_episodes(num_episodes=5, steps=12)
    model = ActJepa(tiny_config(), norm_stats(data))
    save_checkpoint(tmp_path, model, step=1, meta={"task": "synthetic"})
    cfg = DecoderConfig(steps=2, batch_size=8, hidden=16)
    decoder, report = train_decoder(model, decoder_data(data), cfg)
    save_decoder(tmp_path, decoder, cfg, report)
    return tmp_path, model, decoder, data


def test_a_saved_decoder_loads_back_identical(fitted):
    folder, model, decoder, data = fitted
    loaded = load_decoder(folder, model)
    z = model.encode(data["observations"][:3, :1])
    for mine, theirs in zip(decoder.decode(z), loaded.decode(z), strict=True):
        assert torch.equal(mine, theirs)
    assert not loaded.training


def test_rewriting_the_decoder_keeps_file_modes(fitted):
    folder, model, decoder, _ = fitted
    for name in (DECODER_FILE, DECODER_INFO_FILE):
        os.chmod(folder / name, 0o640)
    save_decoder(folder, decoder, DecoderConfig(steps=2, batch_size=8, hidden=16), {})
    assert {oct((folder / n).stat().st_mode & 0o777) for n in (DECODER_FILE, DECODER_INFO_FILE)} == {oct(0o640)}
    assert sorted(p.name for p in folder.iterdir() if ".tmp" in p.name) == []


def test_a_decoder_of_other_weights_is_refused_and_a_folder_without_one_has_none(fitted, tmp_path_factory):
    folder, model, _, data = fitted
    retrained = ActJepa(tiny_config(), norm_stats(data))
    save_checkpoint(folder, retrained, step=1, meta={"task": "synthetic"})
    with pytest.raises(CheckpointError, match="fitted to other model weights; retrain it with `actjepa decoder"):
        load_decoder(folder, retrained)
    bare = tmp_path_factory.mktemp("bare")
    save_checkpoint(bare, model, step=1, meta={"task": "synthetic"})
    assert load_decoder(bare, model) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("steps", 0, "--steps must be at least 1, got 0"),
        ("lr", float("nan"), "--lr must be a positive number"),
        ("val_fraction", 1.0, "--val-fraction must be between 0 and 1"),
        ("rollout_steps", (1, 0), "--rollout-steps must be step counts of at least 1"),
    ],
)
def test_bad_settings_are_named(field, value, message):
    with pytest.raises(WorldModelError, match=message):
        DecoderConfig(**{field: value})
