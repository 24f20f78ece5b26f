"""`actjepa bench train --nproc-per-node 2`: a row for two processes that says they share the cores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]


def test_bench_train_adds_a_row_for_two_processes(tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TORCH_COMPILE_DISABLE": "1", "OMP_NUM_THREADS": "1"}
    args = ["bench", "train", "--out", str(out), "--steps", "1", "--batch-size", "4", "--nproc-per-node", "2"]
    args.append("--no-pixels")
    done = subprocess.run([sys.executable, "-m", "actjepa.benchmarks.cli", *args], env=env, capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    models = json.loads(out.read_text())["models"]
    assert set(models) == {"act-jepa", "bc", "act-jepa on 2 processes"}
    row = models["act-jepa on 2 processes"]
    assert row["processes"] == 2 and row["threads_per_process"] == 1 and row["batch_size"] == 4
    assert row["samples_per_second"] == pytest.approx(row["steps_per_second"] * 4, rel=1e-9)
    assert row["minutes_for_default_steps"] == pytest.approx(row["default_steps"] / row["steps_per_second"] / 60)
    assert f"share this machine's {os.cpu_count()} CPU cores" in row["note"]
    assert "act-jepa on 2 processes:" in done.stdout and models["act-jepa"]["processes"] == 1


def test_the_timed_batches_have_the_training_windows_length_and_a_goal_distance():
    import numpy as np

    from actjepa.benchmarks.perf.train import _synthetic_batch
    from actjepa.world_model.training.config import preset

    future = preset("default").window_future(8)
    assert future == preset("default").loss.rollout_horizon == 32  # the rollout loss, not the chunk, sets the length
    batch = _synthetic_batch(np.random.default_rng(0), 4, (8,), 2, 1, future, pixels=False)
    assert set(batch) == {"obs", "actions", "goal_obs", "goal_steps"}  # goal_steps: the value loss runs too
    assert batch["obs"].shape == (4, 1 + 32, 8) and batch["actions"].shape == (4, 32, 2)
    assert bool((batch["goal_steps"] >= 1).all())
