"""Short trainings on generated data: every loss falls, no collapse, BC takes the same path, resume is exact."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from actjepa.world_model import load_model
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.errors import CheckpointError, WorldModelError
from actjepa.world_model.training.train import make_optimizer, train, train_step
from tests.world_model.conftest import META, sampler_for, tiny_config, tiny_train


def _run(tmp_path, data, stats, cfg, tcfg, name="run", **kw):
    return train(cfg, tcfg, sampler_for(data, cfg).batch, stats, tmp_path / name, META, progress=False, **kw)


@pytest.mark.parametrize("regularizer", ["vicreg", "sigreg"])
def test_training_lowers_every_loss_without_collapse(tmp_path, state_data, state_stats, regularizer):
    cfg = tiny_config(regularizer=regularizer)
    heldout = lambda: (state_data["observations"][:4], state_data["actions"][:4])  # noqa: E731
    res = _run(
        tmp_path,
        state_data,
        state_stats,
        cfg,
        tiny_train(steps=80, log_every=10, checkpoint_every=80, ema_start=0.9, eval_horizon=16),
        heldout=heldout,
    )
    first, last = res.metrics[0], res.metrics[-1]
    for key in ("action", "latent", "predictor", "regularizer", "loss"):
        assert last[key] < first[key], (key, first[key], last[key])
    assert last["emb_std"] > 0.3 and last["eff_rank"] > 2.0
    out = tmp_path / "run"
    for name in (
        "model.safetensors",
        "checkpoint.json",
        "trainer_state.safetensors",
        "metrics.jsonl",
        "loss_curves.png",
        "embedding_health.png",
        "open_loop.png",
        "open_loop.json",
    ):
        assert (out / name).is_file(), name
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == list(range(10, 81, 10))
    assert (
        len(res.open_loop["model"]) == len(res.open_loop["copy_last"]) == 16 and res.open_loop["num_windows"] == 4 * 8
    )
    # the prior's std is calibrated from the head's observed action error, not left at its initial value
    assert not torch.allclose(res.model.action_scale, torch.full_like(res.model.action_scale, 0.8))


def test_bc_baseline_trains_through_the_same_path(tmp_path, state_data, state_stats):
    cfg = tiny_config(baseline="bc")
    res = _run(tmp_path, state_data, state_stats, cfg, tiny_train(steps=60, log_every=10, checkpoint_every=60))
    first, last = res.metrics[0], res.metrics[-1]
    assert last["action"] < first["action"] and last["predictor"] < first["predictor"]
    assert first["latent"] == last["latent"] == 0.0 and last["regularizer"] == 0.0
    model, info = load_model(tmp_path / "run")
    assert model.cfg.is_bc and model.target_encoder is None and info["step"] == 60


def test_bc_encoder_learns_at_its_own_rate(state_data, state_stats):
    tcfg = tiny_train(bc_encoder_lr_scale=0.25)
    bc = ActJepa(tiny_config(baseline="bc"), state_stats)
    optimizer = make_optimizer(bc, tcfg)
    head, encoder = optimizer.param_groups
    assert {id(p) for p in encoder["params"]} == {id(p) for p in bc.encoder.parameters()}
    assert len(head["params"]) + len(encoder["params"]) == sum(1 for _ in bc.parameters())
    batch = {k: torch.from_numpy(v) for k, v in sampler_for(state_data, bc.cfg).batch(5, 8).items()}
    train_step(bc, optimizer, batch, tcfg, 5, torch.Generator().manual_seed(0))
    assert head["lr"] == pytest.approx(tcfg.lr_at(5)) and encoder["lr"] == pytest.approx(0.25 * tcfg.lr_at(5))
    # ACT-JEPA keeps one group at the full rate
    jepa = ActJepa(tiny_config(), state_stats)
    assert len(make_optimizer(jepa, tcfg).param_groups) == 1
    with pytest.raises(WorldModelError, match="bc_encoder_lr_scale"):
        tiny_train(bc_encoder_lr_scale=0.0)


@pytest.mark.parametrize("baseline", ["none", "bc"])
def test_resume_continues_exactly(tmp_path, state_data, state_stats, baseline):
    cfg = tiny_config(baseline=baseline)
    tcfg = tiny_train(steps=12, checkpoint_every=6, log_every=3)
    full = _run(tmp_path, state_data, state_stats, cfg, tcfg, name="full")
    sampler = sampler_for(state_data, cfg)

    def crashing(step, size):
        if step == 8:
            raise KeyboardInterrupt
        return sampler.batch(step, size)

    with pytest.raises(KeyboardInterrupt):
        train(cfg, tcfg, crashing, state_stats, tmp_path / "split", META, progress=False)
    assert json.loads((tmp_path / "split" / "checkpoint.json").read_text())["step"] == 6
    with pytest.raises(WorldModelError, match="--resume"):
        _run(tmp_path, state_data, state_stats, cfg, tcfg, name="split")
    resumed = _run(tmp_path, state_data, state_stats, cfg, tcfg, name="split", resume=True)
    for key, value in full.model.state_dict().items():
        assert torch.equal(value, resumed.model.state_dict()[key]), key
    assert [m["loss"] for m in full.metrics] == [m["loss"] for m in resumed.metrics]


def test_resume_refuses_another_dataset_or_model(tmp_path, state_data, state_stats):
    cfg = tiny_config()
    _run(tmp_path, state_data, state_stats, cfg, tiny_train(steps=4))
    sampler = sampler_for(state_data, cfg)
    with pytest.raises(CheckpointError, match="dataset_sha256"):
        train(
            cfg,
            tiny_train(steps=8),
            sampler.batch,
            state_stats,
            tmp_path / "run",
            {"task": "synthetic", "dataset_sha256": "other"},
            resume=True,
            progress=False,
        )
    with pytest.raises(CheckpointError, match="task"):
        train(
            cfg,
            tiny_train(steps=8),
            sampler.batch,
            state_stats,
            tmp_path / "run",
            {"task": "reacher", "dataset_sha256": "abc123"},
            resume=True,
            progress=False,
        )
    with pytest.raises(CheckpointError, match="latent_dim"):
        train(
            tiny_config(latent_dim=8),
            tiny_train(steps=8),
            sampler.batch,
            state_stats,
            tmp_path / "run",
            META,
            resume=True,
            progress=False,
        )
    with pytest.raises(CheckpointError, match="no checkpoint"):
        train(
            cfg, tiny_train(steps=8), sampler.batch, state_stats, tmp_path / "fresh", META, resume=True, progress=False
        )


def test_nan_batch_stops_with_step_and_keeps_last_checkpoint(tmp_path, state_data, state_stats):
    cfg = tiny_config()
    sampler = sampler_for(state_data, cfg)

    def poisoned(step, size):
        batch = sampler.batch(step, size)
        if step == 7:
            batch["obs"] = batch["obs"].copy()
            batch["obs"][0, 0, 0] = np.nan
        return batch

    with pytest.raises(WorldModelError, match="step 7"):
        train(
            cfg, tiny_train(steps=12, checkpoint_every=6), poisoned, state_stats, tmp_path / "run", META, progress=False
        )
    model, info = load_model(tmp_path / "run")
    assert info["step"] == 6


def test_nan_loss_names_the_step(tmp_path, state_data, state_stats):
    cfg = tiny_config()
    with pytest.raises(WorldModelError, match="loss became nan at step 1; no checkpoint"):
        _run(tmp_path, state_data, state_stats, cfg, tiny_train(action_weight=float("nan")))


def test_empty_dataset_is_a_clear_error(tmp_path, state_stats):
    cfg = tiny_config()

    def empty(step, size):
        return {
            "obs": np.zeros((0, 5, 4), np.float32),
            "actions": np.zeros((0, 4, 2), np.float32),
            "goal_obs": np.zeros((0, 4), np.float32),
        }

    with pytest.raises(WorldModelError, match="no training windows"):
        train(cfg, tiny_train(), empty, state_stats, tmp_path / "run", META, progress=False)
    assert not (tmp_path / "run" / "checkpoint.json").exists()


def test_pixel_model_trains_through_the_same_loop(tmp_path):
    from tests.world_model.synthetic import make_episodes, norm_stats

    data = make_episodes(6, 12, seed=3, pixels=True)
    cfg = tiny_config(pixels=True)
    res = train(
        cfg,
        tiny_train(steps=3, batch_size=8, log_every=1),
        sampler_for(data, cfg).batch,
        norm_stats(data),
        tmp_path / "pix",
        META,
        heldout=lambda: (data["observations"][:2], data["actions"][:2]),
        progress=False,
    )
    assert len(res.metrics) == 3 and all(np.isfinite(m["loss"]) for m in res.metrics)
    assert load_model(tmp_path / "pix")[0].cfg.obs_mode == "pixels" and res.open_loop["num_windows"] > 0


def test_out_of_memory_suggests_a_smaller_batch(tmp_path, state_data, state_stats, monkeypatch):
    import actjepa.world_model.training.train as train_module

    def exhausted(*args, **kwargs):
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(train_module, "compute_losses", exhausted)
    with pytest.raises(WorldModelError, match="out of memory at batch size 32; pass a smaller --batch-size"):
        _run(tmp_path, state_data, state_stats, tiny_config(), tiny_train())
