"""--device strings that do not name a device present on this machine fail in one line, before any loading."""

from __future__ import annotations

import pytest
import torch

from actjepa.world_model import ActJepa, load_model, save_checkpoint
from actjepa.world_model.errors import WorldModelError
from actjepa.world_model.training.device import check_device
from tests.world_model.conftest import META, tiny_config


def test_cuda_without_a_gpu(tmp_path, state_stats, monkeypatch):
    """On main `eval --device cuda` without CUDA ended in torch's AssertionError traceback."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    save_checkpoint(tmp_path / "ckpt", ActJepa(tiny_config(), state_stats), 1, META)
    with pytest.raises(
        WorldModelError, match="^--device cuda was asked for but no CUDA GPU is visible; use --device cpu$"
    ):
        load_model(tmp_path / "ckpt", device="cuda")


@pytest.mark.parametrize(
    "device,message",
    [
        ("gpu", "'gpu' is not a device"),
        ("cuda:x", "'cuda:x' is not a device"),
        ("meta", "'meta' is not supported"),
    ],
)
def test_malformed_devices(device, message):
    with pytest.raises(WorldModelError, match=message):
        check_device(device)


def test_gpu_index_beyond_the_visible_ones(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    with pytest.raises(WorldModelError, match="names GPU 7 but only 2 are visible; use --device cuda:0 .. cuda:1"):
        check_device("cuda:7")
    assert check_device("cuda:1") == torch.device("cuda:1")


def test_cpu_is_always_fine():
    assert check_device("cpu") == torch.device("cpu")
    assert check_device(torch.device("cpu")) == torch.device("cpu")
