"""Damaged checkpoints give one-line CheckpointErrors naming the file; checkpoint files keep sensible modes."""

from __future__ import annotations

import json
import os
import stat

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import load_file, save_file

from actjepa.world_model import ActJepa, load_model, save_checkpoint
from actjepa.world_model.errors import CheckpointError
from actjepa.world_model.training.checkpoint import (
    INFO_FILE,
    MODEL_FILE,
    TRAINER_FILE,
    load_trainer_state,
    read_info,
)
from actjepa.world_model.training.plots import plot_loss_curves
from tests.world_model.conftest import META, tiny_config


def trained_optimizer(model: ActJepa) -> torch.optim.Optimizer:
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for p in model.parameters():
        if p.requires_grad:
            p.grad = torch.ones_like(p)
    optimizer.step()
    return optimizer


@pytest.fixture()
def saved(tmp_path, state_stats):
    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats)
    optimizer = trained_optimizer(model)
    save_checkpoint(tmp_path / "ckpt", model, 7, META, optimizer=optimizer, generator=torch.Generator().manual_seed(1))
    return model, tmp_path / "ckpt"


def one_line_error(path, message, call):
    with pytest.raises(CheckpointError, match=message) as info:
        call()
    text = str(info.value)
    assert "\n" not in text and str(path) in text
    return text


def edit_info(folder, edit):
    info = json.loads((folder / INFO_FILE).read_text())
    edit(info)
    (folder / INFO_FILE).write_text(json.dumps(info))


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda i: i.pop("model_config"), "lacks 'model_config'; the checkpoint is damaged"),
        (lambda i: i.pop("step"), "lacks 'step'"),
        (lambda i: i.update(step="7"), "step='7' of the wrong type"),
        (lambda i: i.update(model_config=[1, 2]), "model_config=\\[1, 2\\] of the wrong type"),
        (lambda i: i["model_config"].update(latent_dim="wide"), "unusable model_config"),
        (lambda i: i["model_config"].update(obs_mode="smell"), "obs_mode 'smell' is unknown"),
        (lambda i: i["model_config"].pop("action_dim"), "model config is incomplete"),
    ],
    ids=["no-model-config", "no-step", "step-string", "config-list", "bad-value", "bad-mode", "missing-field"],
)
def test_malformed_checkpoint_json(saved, edit, message):
    """On main a checkpoint.json without model_config raised KeyError with a traceback."""
    _, folder = saved
    edit_info(folder, edit)
    one_line_error(folder / INFO_FILE, message, lambda: load_model(folder))


@pytest.mark.parametrize(
    "content,message",
    [
        (b'{"schema_version": 1, "step"', "is not valid JSON"),
        (b"", "is not valid JSON"),
        (b"\xff\xfe\x00garbage\x80", "is not text"),
        (b"[1, 2, 3]", "holds a JSON list, not an object"),
    ],
    ids=["truncated", "empty", "binary", "list"],
)
def test_unreadable_checkpoint_json(saved, content, message):
    _, folder = saved
    (folder / INFO_FILE).write_bytes(content)
    one_line_error(folder / INFO_FILE, message, lambda: load_model(folder))


def test_truncated_json_at_every_length(saved):
    _, folder = saved
    text = (folder / INFO_FILE).read_text()
    for cut in range(0, len(text) - 2, 97):
        (folder / INFO_FILE).write_text(text[:cut])
        one_line_error(folder / INFO_FILE, "not valid JSON", lambda: read_info(folder))


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: os.urandom(len(raw)),
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"",
        lambda raw: raw[:8] + b"{not json" + raw[17:],
    ],
    ids=["random", "truncated", "empty", "bad-header"],
)
def test_damaged_weights(saved, damage):
    _, folder = saved
    raw = (folder / MODEL_FILE).read_bytes()
    (folder / MODEL_FILE).write_bytes(damage(raw))
    one_line_error(
        folder / MODEL_FILE,
        "is not a readable safetensors file; retrain or restore it|"
        "is not a readable safetensors file \\(.*\\); retrain or restore it",
        lambda: load_model(folder),
    )


def test_weights_of_another_dtype(saved):
    _, folder = saved
    tensors = load_file(str(folder / MODEL_FILE))
    key = next(k for k, v in tensors.items() if v.is_floating_point())
    tensors[key] = tensors[key].to(torch.int32)
    save_file(tensors, str(folder / MODEL_FILE), metadata={"step": "7", "schema_version": "1"})
    one_line_error(folder / MODEL_FILE, f"weight {key} .* has dtype torch.int32", lambda: load_model(folder))


def damage_trainer_state(folder, change):
    tensors = load_file(str(folder / TRAINER_FILE))
    change(tensors)
    save_file(tensors, str(folder / TRAINER_FILE), metadata={"step": "7", "schema_version": "1"})


def first_slot(tensors):
    return next(k for k in tensors if k.startswith("optimizer.") and k.endswith("exp_avg"))


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda t: t.update({"optimizer.x": torch.zeros(1)}), "malformed optimizer entry 'optimizer.x'"),
        (lambda t: t.update({first_slot(t): torch.zeros(3, 3, 3)}), "has shape \\(3, 3, 3\\)"),
        (lambda t: t.update({"rng.train_generator": torch.zeros(3, dtype=torch.uint8)}), "RNG state of the wrong size"),
        (lambda t: t.pop("rng.train_generator"), "lacks the training RNG state"),
    ],
    ids=["bad-key", "bad-shape", "bad-rng", "no-rng"],
)
def test_damaged_trainer_state(saved, change, message):
    model, folder = saved
    damage_trainer_state(folder, change)
    fresh = torch.optim.AdamW(model.parameters(), lr=1e-3)
    one_line_error(
        folder / TRAINER_FILE, message, lambda: load_trainer_state(folder, fresh, torch.Generator(), expect_step=7)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(info=st.binary(max_size=300), weights=st.binary(max_size=300))
def test_random_bytes_never_escape_as_tracebacks(saved, info, weights):
    """Whatever bytes the two files hold, loading fails with a CheckpointError."""
    _, folder = saved
    (folder / INFO_FILE).write_bytes(info)
    (folder / MODEL_FILE).write_bytes(weights)
    with pytest.raises(CheckpointError):
        load_model(folder)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_checkpoint_files_get_umask_mode_and_keep_their_mode(tmp_path, state_stats):
    """On main every checkpoint file and plot came out 0600 (tempfile.mkstemp's mode)."""
    model = ActJepa(tiny_config(), state_stats)
    folder = tmp_path / "ckpt"
    previous = os.umask(0o022)
    try:
        save_checkpoint(folder, model, 1, META)
        plot_loss_curves([{"step": 1, "loss": 1.0}, {"step": 2, "loss": 0.5}], folder / "loss.png")
        assert {p.name: mode(p) for p in folder.iterdir()} == {INFO_FILE: 0o644, MODEL_FILE: 0o644, "loss.png": 0o644}
        os.chmod(folder / INFO_FILE, 0o640)
        os.chmod(folder / "loss.png", 0o664)
        save_checkpoint(folder, model, 2, META)
        plot_loss_curves([{"step": 1, "loss": 1.0}], folder / "loss.png")
        assert mode(folder / INFO_FILE) == 0o640 and mode(folder / "loss.png") == 0o664
        assert mode(folder / MODEL_FILE) == 0o644
    finally:
        os.umask(previous)


@pytest.mark.parametrize(
    "errno_value,message",
    [
        (28, "no space left writing .*model.safetensors; free space or choose another --out"),
        (27, "file size limit reached writing .*model.safetensors"),
    ],
)
def test_full_disk_while_saving_keeps_the_previous_checkpoint_whole(saved, monkeypatch, errno_value, message):
    from actjepa.world_model.training import checkpoint

    model, folder = saved
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real_save = checkpoint.save_file

    def save_then_fail(tensors, filename, metadata=None):
        real_save(tensors, filename, metadata=metadata)
        if "trainer" not in str(filename):
            raise OSError(errno_value, os.strerror(errno_value))

    monkeypatch.setattr(checkpoint, "save_file", save_then_fail)
    with pytest.raises(CheckpointError, match=message) as info:
        save_checkpoint(folder, model, 8, META, optimizer=trained_optimizer(model), generator=torch.Generator())
    assert "\n" not in str(info.value)
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(after) == set(before)  # no temporary file left
    assert after == before  # the previous checkpoint, trainer state included, is intact: resume continues
    load_trainer_state(folder, torch.optim.AdamW(model.parameters()), torch.Generator(), expect_step=7)


def test_a_file_where_the_checkpoint_folder_should_be(tmp_path, state_stats):
    (tmp_path / "run").write_text("not a folder")
    with pytest.raises(CheckpointError, match="cannot write .*run/model.safetensors \\(.*\\); choose another --out"):
        save_checkpoint(tmp_path / "run", ActJepa(tiny_config(), state_stats), 1, META)
    assert (tmp_path / "run").read_text() == "not a folder"
