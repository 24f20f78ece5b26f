"""Tiny models and synthetic data shared by the world-model tests."""

from __future__ import annotations

import numpy as np
import pytest

from actjepa.world_model import ModelConfig, TrainConfig
from tests.world_model.synthetic import Sampler, make_episodes, norm_stats

TINY = dict(
    latent_dim=16,
    frame_dim=32,
    encoder_hidden=32,
    predictor_hidden=32,
    head_width=16,
    head_heads=2,
    head_layers=1,
    chunk_len=4,
    cnn_channels=4,
)


def tiny_config(pixels: bool = False, **overrides) -> ModelConfig:
    """A small model for the synthetic point-mass data."""
    obs_shape = (64, 64, 3) if pixels else (4,)
    base = dict(
        TINY,
        obs_shape=obs_shape,
        action_dim=2,
        obs_mode="pixels" if pixels else "state",
        context_len=2 if pixels else 1,
    )
    base.update(overrides)
    return ModelConfig(**base)


def tiny_train(**overrides) -> TrainConfig:
    """A few dozen fast steps."""
    base = dict(steps=12, batch_size=32, lr=3e-3, warmup_steps=2, log_every=4, checkpoint_every=6)
    return TrainConfig().with_changes(**{**base, **overrides})


@pytest.fixture(scope="session")
def state_data() -> dict[str, np.ndarray]:
    return make_episodes(24, 30, seed=0)


@pytest.fixture(scope="session")
def state_stats(state_data) -> dict[str, np.ndarray]:
    return norm_stats(state_data)


def sampler_for(data, cfg: ModelConfig, seed: int = 0) -> Sampler:
    return Sampler(data, cfg.context_len, cfg.chunk_len, seed=seed)


META = {"task": "synthetic", "dataset_sha256": "abc123"}
