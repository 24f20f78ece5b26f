"""The metrics log: interval means, JSONL rows, reading back on resume (a torn last line is dropped)."""

from __future__ import annotations

import json

import pytest
import torch

from actjepa.world_model.core.objective import LossOutput
from actjepa.world_model.errors import CheckpointError
from actjepa.world_model.training.metrics_log import METRICS_FILE, MetricsLog, TornMetricsWarning, read_rows
from actjepa.world_model.training.train import train
from tests.world_model.conftest import META, sampler_for, tiny_config, tiny_train


def _losses(action: float) -> LossOutput:
    latents = torch.randn(32, 8, generator=torch.Generator().manual_seed(0))
    parts = {"action": torch.tensor(action)}
    return LossOutput(total=torch.tensor(action), parts=parts, latents=latents, action_abs_error=torch.zeros(1))


def test_rows_hold_interval_means_and_are_appended_as_json_lines(tmp_path):
    cfg = tiny_train(steps=5, log_every=2)
    log = MetricsLog(tmp_path, tiny_config(baseline="bc"), cfg)
    rows = [log.add(step, float(step), _losses(10.0 * step)) for step in range(5)]
    assert [r is not None for r in rows] == [False, True, False, True, True]  # every 2 steps and the last
    assert [(r["step"], r["loss"], r["action"]) for r in log.rows] == [(2, 0.5, 5.0), (4, 2.5, 25.0), (5, 4.0, 40.0)]
    on_disk = [json.loads(line) for line in (tmp_path / METRICS_FILE).read_text().splitlines()]
    assert on_disk == log.rows and log.rows[0]["lr"] == pytest.approx(cfg.lr_at(1))


def test_a_torn_last_line_is_dropped_with_one_warning(tmp_path):
    path = tmp_path / METRICS_FILE
    path.write_text('{"step": 3, "loss": 1.0}\n{"step": 6, "loss": 0.5}\n{"step": 9, "lo')
    with pytest.warns(TornMetricsWarning, match="half-written last line") as caught:
        rows = read_rows(path, up_to=100)
    assert rows == [{"step": 3, "loss": 1.0}, {"step": 6, "loss": 0.5}] and len(caught) == 1
    assert len(str(caught[0].message).splitlines()) == 1
    with pytest.warns(TornMetricsWarning):
        assert read_rows(path, up_to=3) == [{"step": 3, "loss": 1.0}]


def test_a_broken_line_before_the_end_is_an_error(tmp_path):
    path = tmp_path / METRICS_FILE
    path.write_text('{"step": 3}\nnot json\n{"step": 9}\n')
    with pytest.raises(CheckpointError, match="line 2 is not JSON"):
        read_rows(path, up_to=100)


def test_resume_after_a_kill_mid_write_is_exact(tmp_path, state_data, state_stats):
    cfg, tcfg = tiny_config(), tiny_train(steps=12, checkpoint_every=6, log_every=3)
    full = train(cfg, tcfg, sampler_for(state_data, cfg).batch, state_stats, tmp_path / "full", META, progress=False)
    sampler = sampler_for(state_data, cfg)

    def crashing(step, size):
        if step == 8:
            raise KeyboardInterrupt
        return sampler.batch(step, size)

    with pytest.raises(KeyboardInterrupt):
        train(cfg, tcfg, crashing, state_stats, tmp_path / "split", META, progress=False)
    with open(tmp_path / "split" / METRICS_FILE, "a") as handle:  # a kill while the next row was being written
        handle.write('{"step": 9, "loss": 0.')
    with pytest.warns(TornMetricsWarning):
        resumed = train(cfg, tcfg, sampler.batch, state_stats, tmp_path / "split", META, resume=True, progress=False)
    assert [m["loss"] for m in resumed.metrics] == [m["loss"] for m in full.metrics]
    on_disk = [json.loads(line) for line in (tmp_path / "split" / METRICS_FILE).read_text().splitlines()]
    assert [r["step"] for r in on_disk] == [3, 6, 9, 12]
