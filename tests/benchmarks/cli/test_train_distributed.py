"""`actjepa train --nproc-per-node N`: two gloo processes train the 1-process model, rank 0 alone writes,
resume needs the same world size, and bad requests end in one line with nothing written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from tests.benchmarks.cli.conftest import one_line_error

ROOT = Path(__file__).parents[3]
FAST = ("--batch-size", "8", "--no-progress")


def launch_two(*args) -> subprocess.CompletedProcess:
    """`actjepa ARGS --nproc-per-node 2` in a fresh interpreter (its children import this worktree)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TORCH_COMPILE_DISABLE": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "actjepa.benchmarks.cli", *map(str, args), "--nproc-per-node", "2"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, point_mass_data):
    """The same run on 1 process (in this one) and on 2: trained to step 4 (a copy kept), then resumed to 6."""
    from tests.benchmarks.cli.conftest import invoke

    folder = tmp_path_factory.mktemp("ddp")
    found = {"logs": []}
    for kind in ("one", "two"):
        out = found[kind] = folder / kind
        for steps, resume in (("4", ()), ("6", ("--resume",))):
            args = ("train", "--data", point_mass_data, "--out", out, "--steps", steps, *FAST, *resume)
            if kind == "one":
                assert invoke(*args)[0] == 0
            else:
                done = launch_two(*args)
                assert done.returncode == 0, done.stderr
                found["logs"].append(done)
            if not resume:
                shutil.copytree(out, folder / f"{kind}-at-4")
                found[f"{kind}_at_4"] = folder / f"{kind}-at-4"
    return found


def test_two_processes_train_the_one_process_model(runs):
    for step in ("_at_4", ""):
        one = load_file(runs["one" + step] / "model.safetensors")
        two = load_file(runs["two" + step] / "model.safetensors")
        assert one.keys() == two.keys()
        for key in one:
            torch.testing.assert_close(two[key], one[key], rtol=0, atol=1e-5, msg=key)
    start = load_file(runs["one_at_4"] / "model.safetensors")
    assert max(float((start[k].float() - one[k].float()).abs().max()) for k in one) > 1e-4  # steps 5-6 moved it
    rows = [[json.loads(line) for line in (runs[k] / "metrics.jsonl").read_text().splitlines()] for k in ("one", "two")]
    assert [r["step"] for r in rows[0]] == [r["step"] for r in rows[1]] == [4, 6]
    for one_row, two_row in zip(*rows, strict=True):  # losses and embedding health of the global batches
        for key in ("loss", "action", "latent", "predictor", "regularizer", "value", "emb_std", "eff_rank"):
            assert two_row[key] == pytest.approx(one_row[key], rel=1e-5), key


def test_rank_zero_alone_writes_and_prints(runs):
    assert sorted(p.name for p in runs["two"].iterdir()) == sorted(p.name for p in runs["one"].iterdir())
    for kind, world in (("one", 1), ("two", 2)):
        assert json.loads((runs[kind] / "checkpoint.json").read_text())["world_size"] == world
    for done, step in zip(runs["logs"], (4, 6), strict=True):
        assert done.stdout.count("trained act-jepa model for point_mass (state)") == 1
        assert f"to step {step}" in done.stdout and "Traceback" not in done.stderr


def test_resume_on_another_number_of_processes_is_one_line(cli, runs, point_mass_data, tmp_path):
    for kind, nproc, saved in (("two_at_4", [], 2), ("one_at_4", ["--nproc-per-node", "2"], 1)):
        out = tmp_path / kind
        shutil.copytree(runs[kind], out)
        before = folder_state(out)
        args = ("train", "--data", point_mass_data, "--out", out, "--steps", "8", "--resume", *FAST, *nproc)
        line = one_line_error(*cli(*args)[::2])
        assert f"was trained on {saved} process" in line and f"resume it with --nproc-per-node {saved}" in line
        assert folder_state(out) == before


def test_the_launcher_puts_back_the_signal_handlers_it_found():
    """torch's launcher installs its own Ctrl-C handler and leaves it; ours must not outlive the launch."""
    import signal

    from actjepa.benchmarks.launch import _launcher_settings

    def mine(signum, frame):
        raise KeyboardInterrupt

    before, term = signal.signal(signal.SIGINT, mine), signal.getsignal(signal.SIGTERM)
    try:
        with _launcher_settings(2):
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # what the launcher does to this process
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        assert signal.getsignal(signal.SIGINT) is mine
        assert signal.getsignal(signal.SIGTERM) is term
    finally:
        signal.signal(signal.SIGINT, before)
