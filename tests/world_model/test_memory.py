"""Training memory is estimated from what autograd really saves; CPU out-of-memory is recognised like CUDA's."""

from __future__ import annotations

import pytest
import torch

from actjepa.world_model import ActJepa
from actjepa.world_model.core.objective import LossSettings
from actjepa.world_model.errors import WorldModelError
from actjepa.world_model.training.memory import (
    STATE_COPIES,
    available_memory_bytes,
    check_training_memory,
    is_out_of_memory,
    saved_activation_bytes,
    training_memory_bytes,
)
from tests.world_model.conftest import tiny_config
from tests.world_model.synthetic import Sampler


def real_cpu_oom() -> RuntimeError:
    try:
        torch.empty(2**50, dtype=torch.uint8)  # 1 PiB: the CPU allocator refuses at once
    except RuntimeError as exc:
        return exc
    pytest.skip("this machine allocated 1 PiB")


def test_cpu_out_of_memory_is_recognised():
    """On main only 'out of memory' was recognised; the CPU allocator says "can't allocate memory"."""
    exc = real_cpu_oom()
    assert "DefaultCPUAllocator" in str(exc)
    assert is_out_of_memory(exc)


@pytest.mark.parametrize(
    "exc,expected",
    [
        (RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), True),
        (MemoryError(), True),
        (
            RuntimeError("[enforce fail] DefaultCPUAllocator: can't allocate memory: you tried to allocate 8 bytes"),
            True,
        ),
        (RuntimeError("mat1 and mat2 shapes cannot be multiplied"), False),
        (ValueError("out of memory"), False),
    ],
)
def test_out_of_memory_classification(exc, expected):
    assert is_out_of_memory(exc) is expected


@pytest.fixture()
def model_and_batch(state_data, state_stats):
    torch.manual_seed(0)
    model = ActJepa(tiny_config(), state_stats).train()
    sampler = Sampler(state_data, model.context_len, model.chunk_len)

    def batch(size):
        return {k: torch.from_numpy(v) for k, v in sampler.batch(0, size).items()}

    return model, batch


def test_saved_activations_scale_linearly_with_the_batch(model_and_batch):
    """The probe's per-window bytes predict a 16x larger batch within 10% (the estimate extrapolates from it)."""
    model, batch = model_and_batch
    small = saved_activation_bytes(model, batch(8), LossSettings())
    large = saved_activation_bytes(model, batch(128), LossSettings())
    assert small > 0
    assert large == pytest.approx(16 * small, rel=0.1)


def test_probe_leaves_the_random_state_alone(model_and_batch):
    model, batch = model_and_batch
    torch.manual_seed(5)
    saved_activation_bytes(model, batch(4), LossSettings())
    after = torch.rand(3)
    torch.manual_seed(5)
    assert torch.equal(after, torch.rand(3))


def test_estimate_adds_the_parameter_state(model_and_batch):
    model, batch = model_and_batch
    probe = batch(4)
    state = STATE_COPIES * sum(p.nelement() * 4 for p in model.parameters())
    one = training_memory_bytes(model, probe, 1, LossSettings())
    thousand = training_memory_bytes(model, probe, 1001, LossSettings())
    assert one > state
    assert thousand - one == pytest.approx(1000 * (one - state), rel=1e-3)


def test_too_large_a_batch_is_refused_naming_the_flag(model_and_batch):
    model, batch = model_and_batch
    with pytest.raises(WorldModelError) as info:
        check_training_memory(model, batch(4), 10**9, LossSettings())
    text = str(info.value)
    assert "\n" not in text and text.startswith("training batches of 1000000000 windows need about ")
    assert text.endswith("is free on cpu; pass a smaller --batch-size")
    need = check_training_memory(model, batch(4), 32, LossSettings(), available=2**30)
    assert need == training_memory_bytes(model, batch(4), 32, LossSettings())
    with pytest.raises(WorldModelError, match="only 1.0 KiB is free"):
        check_training_memory(model, batch(4), 32, LossSettings(), available=1024)


def test_available_memory_is_positive():
    assert available_memory_bytes("cpu") > 0
