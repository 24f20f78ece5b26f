"""`actjepa train`: --checkpoint-every, an early first checkpoint, --force that clears only a run's own files,
messages that never send the user in a circle, memory and OOM errors, and the advice after a NaN loss."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import actjepa.world_model.training.train as trainer
from actjepa.world_model.training.config import TrainConfig
from tests.benchmarks.cli.conftest import one_line_error

FAST = ("--batch-size", "8", "--no-progress")


def _killed_before_first_checkpoint(folder):
    """What a run killed in its first minutes leaves: metrics and a plot, no checkpoint."""
    folder.mkdir()
    (folder / "metrics.jsonl").write_text('{"step": 0, "loss": 1.0}\n')
    (folder / "loss_curves.png").write_bytes(b"\x89PNG old")


def test_checkpoints_come_early_then_every_checkpoint_every():
    cfg = TrainConfig(steps=1200, checkpoint_every=500)
    assert [s for s in range(1, 1201) if cfg.checkpoint_due(s)] == [50, 500, 1000, 1200]
    small = TrainConfig(steps=10, checkpoint_every=4)
    assert [s for s in range(1, 11) if small.checkpoint_due(s)] == [4, 8, 10]


def test_checkpoint_every_is_an_option_and_the_first_checkpoint_is_early(cli, tmp_path, point_mass_data, monkeypatch):
    """On main the interval was fixed at 500 steps: a run killed before then could not resume."""
    saved = []
    real = trainer.save_checkpoint
    monkeypatch.setattr(
        trainer, "save_checkpoint", lambda out, model, step, *a: saved.append(step) or real(out, model, step, *a)
    )
    code, _, err = cli(
        "train", "--data", point_mass_data, "--out", tmp_path / "run", "--steps", "7", "--checkpoint-every", "3", *FAST
    )
    assert code == 0, err
    assert saved == [3, 6, 7]
    assert json.loads((tmp_path / "run" / "checkpoint.json").read_text())["train_config"]["checkpoint_every"] == 3


def test_a_run_killed_before_its_first_checkpoint_restarts_with_force(cli, tmp_path, point_mass_data):
    """On main `train` said 'pass --resume' and `--resume` said 'drop --resume': a loop with no way out."""
    out = tmp_path / "run"
    _killed_before_first_checkpoint(out)
    line = one_line_error(*cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", *FAST)[::2])
    assert "--force" in line and "--resume" not in line
    line = one_line_error(
        *cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", "--resume", *FAST)[::2]
    )
    assert "pass --force instead of --resume" in line
    code, _, err = cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", "--force", *FAST)
    assert code == 0, err
    assert (out / "loss_curves.png").read_bytes() != b"\x89PNG old"
    assert '"loss": 1.0' not in (out / "metrics.jsonl").read_text()
    assert json.loads((out / "checkpoint.json").read_text())["step"] == 2


def test_force_removes_the_previous_runs_files(cli, tmp_path, point_mass_data):
    """On main --force left the old run's open_loop.json beside the new checkpoint."""
    out = tmp_path / "run"
    assert cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", *FAST)[0] == 0
    assert (out / "open_loop.json").is_file()
    code, _, err = cli(
        "train", "--data", point_mass_data, "--out", out, "--steps", "3", "--val-fraction", "0", "--force", *FAST
    )
    assert code == 0, err
    assert not (out / "open_loop.json").exists() and not (out / "open_loop.png").exists()
    assert json.loads((out / "checkpoint.json").read_text())["step"] == 3


def test_force_never_removes_a_users_files(cli, tmp_path, point_mass_data):
    out = tmp_path / "run"
    assert cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", *FAST)[0] == 0
    (out / "notes.txt").write_text("mine\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    line = one_line_error(*cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", "--force", *FAST)[::2])
    assert "notes.txt" in line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_resume_with_a_dataset_of_another_task_is_refused(cli, tmp_path, point_mass_data):
    out = tmp_path / "run"
    assert cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", *FAST)[0] == 0
    other = tmp_path / "reacher.h5"
    assert cli("collect", "--task", "reacher", "--episodes", "4", "--out", other, "--no-progress")[0] == 0
    line = one_line_error(*cli("train", "--data", other, "--out", out, "--steps", "4", "--resume", *FAST)[::2])
    assert "'point_mass'" in line and "being resumed" in line


def test_nan_advice_names_options_that_exist(cli, tmp_path, point_mass_data, monkeypatch):
    """On main the advice named --lr, which `actjepa train` did not have."""
    monkeypatch.setattr(trainer, "train_step", lambda *a: (None, float("nan")))
    line = one_line_error(
        *cli("train", "--data", point_mass_data, "--out", tmp_path / "run", "--steps", "2", *FAST)[::2]
    )
    assert "the loss became nan" in line
    options = set(re.findall(r"--[a-z][a-z-]+", line))
    assert options and options <= set(re.findall(r"--[a-z][a-z-]+", _help(cli)))


def _help(cli) -> str:
    code, out, _ = cli("train", "--help")
    assert code == 0
    return out


def test_cpu_out_of_memory_is_one_line_naming_batch_size(cli, tmp_path, point_mass_data, monkeypatch):
    def oom(*args):
        raise RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory")

    monkeypatch.setattr(trainer, "train_step", oom)
    line = one_line_error(
        *cli("train", "--data", point_mass_data, "--out", tmp_path / "run", "--steps", "2", *FAST)[::2]
    )
    assert "out of memory" in line and "--batch-size" in line


def test_training_memory_is_checked_before_the_folder_is_touched(cli, tmp_path, point_mass_data, monkeypatch):
    import actjepa.world_model.training.memory as memory

    monkeypatch.setattr(memory, "available_memory_bytes", lambda device="cpu": 1024)
    out = tmp_path / "run"
    _killed_before_first_checkpoint(out)
    line = one_line_error(*cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", "--force", *FAST)[::2])
    assert "--batch-size" in line
    assert (out / "loss_curves.png").read_bytes() == b"\x89PNG old"


def test_resume_after_a_torn_metrics_line_warns_in_one_line(tmp_path, point_mass_checkpoint, point_mass_data):
    """The dropped half-written line is reported as one `actjepa: warning:` line, without Python's source line."""
    out = tmp_path / "run"
    shutil.copytree(point_mass_checkpoint, out)
    with (out / "metrics.jsonl").open("a") as f:
        f.write('{"step": 1, "lo')
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[3]), "OMP_NUM_THREADS": "1"}
    args = ["train", "--data", point_mass_data, "--out", out, "--steps", "3", "--resume", *FAST]
    command = [sys.executable, "-m", "actjepa.benchmarks.cli", *map(str, args)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    dropped = "dropped a half-written last line (the run was stopped while logging)"
    assert done.stderr.strip().splitlines() == [f"actjepa: warning: {out / 'metrics.jsonl'}: {dropped}"]
    assert json.loads((out / "checkpoint.json").read_text())["step"] == 3


def test_every_file_train_writes_is_a_run_file(cli, tmp_path, point_mass_data):
    """--force may remove exactly what a run writes; a new output file must join RUN_FILES."""
    from actjepa.world_model.training.resume import is_run_file

    out = tmp_path / "run"
    assert cli("train", "--data", point_mass_data, "--out", out, "--steps", "2", *FAST)[0] == 0
    assert [p.name for p in out.iterdir() if not is_run_file(p.name)] == []
