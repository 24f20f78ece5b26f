"""Training settings: groups nested in TrainConfig, flat names for checkpoints and overrides, and what a resumed
run must keep derived from the groups (checkpoints written before the groups existed still resume)."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from actjepa.world_model import TrainConfig
from actjepa.world_model.core.objective import LossSettings
from actjepa.world_model.errors import CheckpointError, WorldModelError
from actjepa.world_model.training.config import PIXEL_WINDOWS_PER_RUN, PRESETS, Optimisation, preset
from actjepa.world_model.training.resume import check_optimisation
from actjepa.world_model.training.train import train
from tests.world_model.conftest import META, sampler_for, tiny_config, tiny_train

EARLIER_TRAIN_CONFIG = {
    "action_weight": 1.0, "batch_size": 8, "bc_encoder_lr_scale": 0.1, "checkpoint_every": 500,
    "collapse_rank_fraction": 0.05, "collapse_std": 0.05, "device": "cpu", "ema_end": 1.0, "ema_start": 0.99,
    "eval_horizon": 32, "eval_starts_per_episode": 8, "first_checkpoint": 50, "grad_clip": 1.0, "image_shift": 0,
    "latent_weight": 1.0, "log_every": 50, "lr": 0.001, "min_lr_fraction": 0.1, "obs_noise": 0.1,
    "predictor_weight": 1.0, "regularizer_weight": 0.04, "rollout_horizon": 32, "scale_momentum": 0.99, "seed": 0,
    "steps": 6, "value_expectile": 0.1, "value_weight": 1.0, "vicreg_std_target": 0.5, "warmup_steps": 100,
    "weight_decay": 0.0001,
}  # fmt: skip
"""checkpoint.json's train_config as the version before the nested groups wrote it (`actjepa train --steps 6
--batch-size 8 --obs-noise 0.1`)."""
ADDED_SINCE = {"target_stride": None, "windows_per_run": None}
"""Fields added after that version, with their defaults, which for state models behave as that version did (a
resume does not compare a field its checkpoint predates, so an earlier checkpoint resumes with these values)."""


def test_the_flat_form_is_the_one_checkpoints_always_had():
    cfg = TrainConfig().with_changes(batch_size=8, obs_noise=0.1, steps=6)
    assert cfg.to_dict() == {**EARLIER_TRAIN_CONFIG, **ADDED_SINCE}
    assert cfg.optim.batch_size == 8 and cfg.loss.obs_noise == 0.1 and cfg.steps == 6


def test_a_resume_must_keep_every_optimisation_and_loss_field_and_nothing_else():
    groups = {f.name for f in fields(Optimisation)} | {f.name for f in fields(LossSettings)}
    assert set(TrainConfig().must_match()) == groups
    assert groups <= set(EARLIER_TRAIN_CONFIG) | set(ADDED_SINCE)  # earlier checkpoints recorded all the others
    assert all(TrainConfig().must_match()[name] == value for name, value in ADDED_SINCE.items())
    assert not groups & {"steps", "device", "log_every", "checkpoint_every", "eval_horizon"}


def test_changes_by_name_reach_their_group_and_are_validated():
    cfg = preset("demo", lr=3e-3, regularizer_weight=0.5, steps=None)
    assert cfg.optim.lr == 3e-3 and cfg.loss.regularizer_weight == 0.5 and cfg.steps == PRESETS["demo"].steps
    assert cfg.optim.warmup_steps == PRESETS["demo"].optim.warmup_steps
    with pytest.raises(WorldModelError, match="no field 'learning_rate'"):
        TrainConfig().with_changes(learning_rate=1.0)
    with pytest.raises(WorldModelError, match="--batch-size must be at least 2, got 1"):
        TrainConfig().with_changes(batch_size=1)
    with pytest.raises(WorldModelError, match="training preset 'huge' is unknown; use one of default, demo"):
        preset("huge")


def _resume(tmp_path, state_data, state_stats, **changes):
    cfg = tiny_config()
    return train(
        cfg,
        tiny_train(**{"steps": 6, **changes}),
        sampler_for(state_data, cfg).batch,
        state_stats,
        tmp_path / "run",
        META,
        resume=True,
        progress=False,
    )


def _write_train_config(tmp_path, train_config) -> None:
    path = tmp_path / "run" / "checkpoint.json"
    info = json.loads(path.read_text())
    info["train_config"] = train_config
    path.write_text(json.dumps(info))


def test_a_checkpoint_in_the_earlier_form_resumes_or_is_refused_in_one_line(tmp_path, state_data, state_stats):
    cfg, tcfg = tiny_config(), tiny_train(steps=4, obs_noise=0.1)
    train(cfg, tcfg, sampler_for(state_data, cfg).batch, state_stats, tmp_path / "run", META, progress=False)
    earlier = {key: tcfg.to_dict()[key] for key in EARLIER_TRAIN_CONFIG}
    _write_train_config(tmp_path, earlier)
    assert _resume(tmp_path, state_data, state_stats, obs_noise=0.1).step == 6
    _write_train_config(tmp_path, {**earlier, "grad_clip": 0.5})
    with pytest.raises(CheckpointError, match="grad_clip=0.5, this run has 1.0; pass --grad-clip 0.5 to continue"):
        _resume(tmp_path, state_data, state_stats, obs_noise=0.1, steps=8)
    _write_train_config(tmp_path, ["not", "a", "mapping"])
    with pytest.raises(CheckpointError, match="records its training settings as a list, not a mapping"):
        _resume(tmp_path, state_data, state_stats, obs_noise=0.1, steps=8)


@pytest.mark.parametrize("obs_mode", ["state", "pixels"])
def test_an_earlier_checkpoint_resumes_with_the_windows_and_targets_it_was_trained_with(tmp_path, obs_mode):
    """Before windows_per_run and target_stride existed every window was drawn alone with a target at every step;
    today's None means 8 of each for pixel models, so an earlier pixel run may not silently continue with them."""
    earlier = {"train_config": dict(EARLIER_TRAIN_CONFIG)}
    today = TrainConfig().with_changes(batch_size=8, obs_noise=0.1)
    check_optimisation(earlier, today.with_changes(windows_per_run=1, target_stride=1), tmp_path, obs_mode)
    if obs_mode == "state":
        check_optimisation(earlier, today, tmp_path, obs_mode)
    else:
        with pytest.raises(CheckpointError, match="windows_per_run=1, this run has 8; pass --windows-per-run 1 to"):
            check_optimisation(earlier, today, tmp_path, obs_mode)
    written_today = {"train_config": today.to_dict()}  # None in the file: the mode's default, compared resolved
    runs = PIXEL_WINDOWS_PER_RUN if obs_mode == "pixels" else 1
    check_optimisation(written_today, today.with_changes(windows_per_run=runs), tmp_path, obs_mode)
    with pytest.raises(CheckpointError, match="target_stride=.*, this run has 3; pass --target-stride"):
        check_optimisation(written_today, today.with_changes(target_stride=3), tmp_path, obs_mode)
