"""Checkpoints round-trip exactly and every mismatch names itself; the open-loop numbers mean what they say."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from actjepa.world_model import ActJepa, load_model, open_loop_error, save_checkpoint
from actjepa.world_model.errors import CheckpointError, WorldModelError
from tests.world_model.conftest import META, tiny_config


@pytest.fixture()
def saved(tmp_path, state_stats):
    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats)
    model.action_scale.fill_(0.3)
    save_checkpoint(tmp_path / "ckpt", model, 7, META)
    return model, tmp_path / "ckpt"


def test_round_trip_is_exact(saved, state_data):
    model, path = saved
    loaded, info = load_model(path, expect_task="synthetic")
    assert info["step"] == 7 and info["task"] == "synthetic" and info["dataset_sha256"] == "abc123"
    assert info["model_config"] == model.cfg.to_dict() and "package_version" in info
    for key, value in model.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[key]), key
    obs = torch.as_tensor(state_data["observations"][:3, :1])
    with torch.no_grad():
        torch.testing.assert_close(loaded.encode(obs), model.encode(obs), rtol=0, atol=0)
        z = model.encode(obs)
        torch.testing.assert_close(loaded.action_prior(z, z, 6)[1], model.action_prior(z, z, 6)[1], rtol=0, atol=0)


def test_task_mismatch(saved):
    with pytest.raises(CheckpointError, match="trained on task 'synthetic', not 'reacher'"):
        load_model(saved[1], expect_task="reacher")


def test_schema_mismatch(saved):
    info_path = saved[1] / "checkpoint.json"
    info = json.loads(info_path.read_text())
    info_path.write_text(json.dumps(dict(info, schema_version=99)))
    with pytest.raises(CheckpointError, match="schema version 99"):
        load_model(saved[1])


def test_missing_and_unexpected_keys(saved):
    weights = saved[1] / "model.safetensors"
    tensors = load_file(str(weights))
    extra = dict(tensors, **{"bogus.weight": torch.zeros(1)})
    save_file(extra, str(weights), metadata={"step": "7"})
    with pytest.raises(CheckpointError, match="unexpected weights \\['bogus.weight'\\]"):
        load_model(saved[1])
    tensors.pop("predictor.out.bias")
    save_file(tensors, str(weights), metadata={"step": "7"})
    with pytest.raises(CheckpointError, match="lacks weights \\['predictor.out.bias'\\]"):
        load_model(saved[1])


def test_shape_mismatch(saved):
    weights = saved[1] / "model.safetensors"
    tensors = load_file(str(weights))
    tensors["predictor.out.bias"] = torch.zeros(3)
    save_file(tensors, str(weights), metadata={"step": "7"})
    with pytest.raises(CheckpointError, match=r"predictor.out.bias .* shape \(3,\), the model expects \(16,\)"):
        load_model(saved[1])


def test_torn_and_missing_files(saved, tmp_path):
    weights = saved[1] / "model.safetensors"
    save_file(load_file(str(weights)), str(weights), metadata={"step": "5"})
    with pytest.raises(CheckpointError, match="from step 5 but checkpoint.json says 7"):
        load_model(saved[1])
    with pytest.raises(CheckpointError, match="not a checkpoint"):
        load_model(tmp_path / "nowhere")
    weights.write_bytes(b"not safetensors")
    with pytest.raises(CheckpointError, match="not a readable safetensors file"):
        load_model(saved[1])


def test_open_loop_identity_predictor_equals_copy_last(state_data, state_stats):
    """With g(z, a) = z the rollout error is exactly the copy-last error; both are normalised by the pair spread."""
    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats)
    with torch.no_grad():
        model.predictor.out.weight.zero_()
        model.predictor.out.bias.zero_()
    res = open_loop_error(
        model, state_data["observations"][:5], state_data["actions"][:5], horizon=6, starts_per_episode=4
    )
    assert res["horizon"] == [1, 2, 3, 4, 5, 6] and res["num_windows"] == 20
    # the output LayerNorm maps an already-normalised latent to itself up to its epsilon
    np.testing.assert_allclose(res["model"], res["copy_last"], rtol=1e-3)
    assert res["scale"] > 0 and 0 < res["copy_last"][0] < res["copy_last"][-1]
    with pytest.raises(WorldModelError, match="too short"):
        open_loop_error(model, state_data["observations"][:2], state_data["actions"][:2], horizon=40)


def test_open_loop_reports_the_heads_chunk_error_on_held_out_windows(state_data, state_stats):
    """action_error is the policy's own chunk toward the episode's last state against the actions taken, in
    normalised units, over the same windows as the latent rollouts; no chunk fits a shorter horizon."""
    from actjepa.world_model.training.diagnostics import _start_times

    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats).eval()
    obs, act = state_data["observations"][:3], state_data["actions"][:3]
    c = model.chunk_len
    res = open_loop_error(model, obs, act, horizon=c + 2, starts_per_episode=4)
    errors = []
    for e in range(3):
        for t in _start_times(model.context_len, act.shape[1], c + 2, 4):
            with torch.no_grad():
                chunk = model.normalize_actions(model.act(obs[e, t : t + 1][None], obs[e, -1][None]))
            errors.append(float((chunk - model.normalize_actions(act[e, t : t + c][None])).abs().mean()))
    assert res["action_error"] == pytest.approx(np.mean(errors), rel=1e-5)
    assert "action_error" not in open_loop_error(model, obs, act, horizon=c - 1, starts_per_episode=4)
