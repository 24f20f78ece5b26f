"""`actjepa train` and `actjepa bench train`: outputs, resume, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest

from actjepa.benchmarks.cli import main
from actjepa.benchmarks.perf.train import PIXEL_STEPS
from actjepa.world_model import load_model

FAST = ["--steps", "4", "--batch-size", "16", "--no-progress"]


def run(capsys, *args):
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """Two small point-mass demonstration files with different seeds."""
    folder = tmp_path_factory.mktemp("data")
    paths = []
    for seed in (1, 2):
        path = folder / f"pm{seed}.h5"
        try:
            main(
                [
                    "collect",
                    "--task",
                    "point_mass",
                    "--episodes",
                    "6",
                    "--seed",
                    str(seed),
                    "--out",
                    str(path),
                    "--no-progress",
                ]
            )
        except SystemExit as exc:
            assert exc.code in (0, None)
        paths.append(path)
    return paths


def test_train_writes_checkpoint_plots_and_summary(capsys, tmp_path, datasets):
    out = tmp_path / "run"
    code, stdout, _ = run(capsys, "train", "--data", datasets[0], "--out", out, *FAST)
    assert code == 0 and "trained act-jepa model for point_mass (state) to step 4" in stdout
    held_out = json.loads((out / "open_loop.json").read_text())["action_error"]
    trained = json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])["action"]
    assert f"action-chunk error on held-out episodes {held_out:.3f} against {trained:.3f} on training" in stdout
    for name in ("model.safetensors", "checkpoint.json", "metrics.jsonl", "loss_curves.png", "open_loop.png"):
        assert (out / name).is_file()
    model, info = load_model(out, expect_task="point_mass")
    assert info["step"] == 4 and info["train_config"]["batch_size"] == 16 and len(info["dataset_sha256"]) == 64

    code, _, err = run(capsys, "train", "--data", datasets[0], "--out", out, *FAST)
    assert code == 2 and "--resume" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "train", "--data", datasets[1], "--out", out, *FAST, "--resume")
    assert code == 2 and "dataset_sha256" in err
    code, stdout, _ = run(
        capsys,
        "train",
        "--data",
        datasets[0],
        "--out",
        out,
        "--steps",
        "6",
        "--batch-size",
        "16",
        "--no-progress",
        "--resume",
    )
    assert code == 0 and "to step 6" in stdout
    assert [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()][-1] == 6


def test_train_bc_baseline(capsys, tmp_path, datasets):
    code, stdout, _ = run(capsys, "train", "--data", datasets[0], "--out", tmp_path / "bc", "--baseline", "bc", *FAST)
    assert code == 0 and "trained bc model" in stdout
    assert load_model(tmp_path / "bc")[0].target_encoder is None


def test_bench_train_writes_json(capsys, tmp_path):
    out = tmp_path / "bench.json"
    code, stdout, _ = run(capsys, "bench", "train", "--out", out, "--steps", "1", "--batch-size", "8")
    assert code == 0 and "steps/s" in stdout
    payload = json.loads(out.read_text())
    previous = "act-jepa on 64x64 pixels, previous step"
    assert set(payload["models"]) == {"act-jepa", "bc", *PIXEL_STEPS}
    assert "synthetic" in payload["data"]
    assert all(m["steps_per_second"] > 0 and m["batch_size"] == 8 for m in payload["models"].values())
    pixels = payload["models"]["act-jepa on 64x64 pixels"]["model_config"]
    assert pixels["obs_mode"] == "pixels" and tuple(pixels["obs_shape"]) == (64, 64, 3)
    assert pixels["context_len"] == payload["models"][previous]["model_config"]["context_len"] == 3  # as trained
    assert payload["models"][previous]["model_config"]["pixel_encoder"] == "strided"
    flops = [payload["models"][name]["gflop_per_step"] for name in PIXEL_STEPS]
    assert flops == sorted(flops, reverse=True) and flops[0] > 3 * flops[-1] > 0  # each cut cuts; counted, not timed
    assert payload["models"]["act-jepa"]["model_config"]["obs_mode"] == "state"
    code, _, err = run(capsys, "bench", "train", "--out", out, "--steps", "1")
    assert code == 2 and "--force" in err


def test_the_summary_flags_a_head_that_fits_only_its_demonstrations(tmp_path):
    from actjepa.benchmarks.cli.train import _action_gap

    (tmp_path / "metrics.jsonl").write_text(json.dumps({"step": 50, "action": 0.1}) + "\n")
    assert _action_gap(0.25, tmp_path).endswith(
        "over twice as large: the head fits its demonstrations, not the task (more data, fewer steps)"
    )
    assert "twice" not in _action_gap(0.15, tmp_path) and "0.150 against 0.100" in _action_gap(0.15, tmp_path)


def test_a_pixel_model_trains_from_runs_of_windows_by_default(capsys, tmp_path):
    data = tmp_path / "pix.h5"
    collect = ["collect", "--task", "point_mass", "--episodes", "3", "--obs-mode", "pixels", "--out", data]
    assert run(capsys, *collect, "--no-progress")[0] == 0
    out = tmp_path / "pix"
    code, stdout, _ = run(capsys, "train", "--data", data, "--out", out, *FAST)
    assert code == 0 and "(pixels) to step 4" in stdout
    model, info = load_model(out)
    assert model.cfg.pixel_encoder == "patch" and info["train_config"]["windows_per_run"] is None
    code, _, err = run(capsys, "train", "--data", data, "--out", tmp_path / "odd", "--steps", "2", "--batch-size", "12")
    assert code == 2 and "--batch-size 12 is not a multiple of the 8 windows per run" in err
    assert "--windows-per-run 1" in err and len(err.strip().splitlines()) == 1
    code, stdout, _ = run(capsys, "train", "--data", data, "--out", tmp_path / "alone", *FAST[:2], "--batch-size", "12",
                          "--windows-per-run", "1", "--no-progress")  # fmt: skip
    assert code == 0
