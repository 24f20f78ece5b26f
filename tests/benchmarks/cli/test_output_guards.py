"""Every command checks its output paths, device and counts before any work, and says what is wrong in one line."""

from __future__ import annotations

import pytest
import torch

from tests.benchmarks.cli.conftest import one_line_error


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def places(tmp_path):
    """A plain file, an empty folder and a results.json-shaped folder to misuse as outputs."""
    (tmp_path / "afile").write_text("mine\n")
    (tmp_path / "adir").mkdir()
    (tmp_path / "taken" / "results.json").mkdir(parents=True)
    (tmp_path / "existing.json").write_text("{}\n")
    return tmp_path


# (arguments with {t}=tmp folder, {d}=dataset, {c}=checkpoint, {u}=unwritable folder; fragment of the one line)
CASES = [
    ("collect --task point_mass --episodes 2 --out {t}/adir", "--out {t}/adir is a folder"),
    ("collect --task point_mass --episodes 2 --out {u}/x.h5", "choose another --out"),
    ("collect --task point_mass --episodes 2 --out {t}/afile/x.h5", "is a file, not a folder"),
    ("collect --task point_mass --episodes 2 --out {t}/existing.json", "already exists; pass --force"),
    ("import --source {d} --task point_mass --out {t}/adir", "--out {t}/adir is a folder"),
    ("import --source {d} --task point_mass --out {u}/x.h5", "choose another --out"),
    ("train --data {d} --out {t}/afile --steps 2", "--out {t}/afile is a file, not a folder"),
    ("train --data {d} --out {u}/run --steps 2", "choose another --out"),
    ("train --data {t}/adir --out {t}/run --steps 2", "--data {t}/adir is a folder"),
    ("eval --checkpoint {t}/missing --out {t}/afile", "--out {t}/afile is a file, not a folder"),
    ("eval --checkpoint {t}/missing --out {u}/ev", "choose another --out"),
    ("eval --checkpoint {t}/missing --out {t}/taken", "is a folder; pass a file path"),
    ("bench planner --out {t}/adir", "--out {t}/adir is a folder"),
    ("bench planner --out {t}/existing.json", "already exists; pass --force"),
    ("bench train --out {u}/b.json", "choose another --out"),
    ("reproduce --task point_mass --workdir {t}/afile", "{t}/afile is a file, not a folder"),
    ("reproduce --task point_mass --workdir {t}/w --report {u}/r", "choose another --report"),
    ("demo --workdir {t}/afile", "{t}/afile is a file, not a folder"),
    ("report --folder {t}/adir --readme {t}/adir", "--readme {t}/adir is a folder"),
]


@pytest.mark.parametrize("args, fragment", CASES)
def test_bad_output_paths_are_refused_before_any_work(
    cli, places, unwritable_dir, point_mass_data, point_mass_checkpoint, args, fragment
):
    """On main these printed tracebacks (IsADirectoryError, NotADirectoryError), or eval failed after computing."""
    names = {"t": places, "d": point_mass_data, "c": point_mass_checkpoint, "u": unwritable_dir}
    before = _files(places)
    line = one_line_error(*cli(*args.format(**names).split())[::2])
    assert fragment.format(**names) in line
    assert _files(places) == before  # nothing written, no temporary left behind


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize(
    "args",
    [
        "train --data {d} --out {t}/run --steps 2",
        "eval --checkpoint {c} --out {t}/ev --episodes 1",
        "bench planner --out {t}/b.json",
        "bench train --out {t}/b.json",
        "reproduce --task point_mass --workdir {t}/w --report {t}/r",
        "demo --workdir {t}/w --report {t}/r",
    ],
)
def test_cuda_without_a_gpu_is_one_line_for_every_command(cli, tmp_path, point_mass_data, point_mass_checkpoint, args):
    names = {"t": tmp_path, "d": point_mass_data, "c": point_mass_checkpoint}
    line = one_line_error(*cli(*args.format(**names).split(), "--device", "cuda")[::2])
    assert "no CUDA GPU is visible; use --device cpu" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, fragment",
    [
        ("bench planner --out {t}/b.json --threads -1", "--threads must be at least 1, got -1"),
        ("bench planner --out {t}/b.json --threads 0", "--threads must be at least 1, got 0"),
        ("bench planner --out {t}/b.json --threads 100000", "--threads 100000 exceeds the"),
        ("bench planner --out {t}/b.json --repeats 0", "--repeats must be at least 1"),
        ("bench train --out {t}/b.json --steps -3", "--steps must be at least 1, got -3"),
        ("train --data {d} --out {t}/run --steps 0", "--steps must be at least 1"),
        ("train --data {d} --out {t}/run --checkpoint-every 0", "--checkpoint-every must be at least 1"),
        ("train --data {d} --out {t}/run --lr -1", "--lr must be a positive number"),
        ("train --data {d} --out {t}/run --lr nan", "--lr must be a positive number"),
        ("train --data {d} --out {t}/run --image-shift 2", "image_shift augments pixel frames but this model reads"),
        ("train --data {d} --out {t}/run --image-shift -1", "image_shift must be >= 0 pixels, got -1"),
        ("train --data {d} --out {t}/run --obs-noise -0.5", "obs_noise must be a finite std >= 0, got -0.5"),
        ("eval --checkpoint {c} --out {t}/ev --videos -1", "--videos must be 0 or more"),
        ("reproduce --task point_mass --workdir {t}/w --report {t}/r --steps 0", "--steps must be at least 1"),
        (
            "reproduce --task point_mass --workdir {t}/w --report {t}/r --image-shift 4",
            "drop it or run with --obs pixels",
        ),
        (
            "reproduce --task reacher --obs pixels --obs-noise 0.1 --workdir {t}/w --report {t}/r",
            "--obs-noise perturbs state vectors; drop it or run with --obs state",
        ),
        (
            "reproduce --task point_mass --protocol regimes --regimes expert sunny --workdir {t}/w --report {t}/r",
            "regime 'sunny' is unknown; use some of expert, ",
        ),
        (
            "reproduce --task point_mass --protocol regimes --seeds 0 2147483648 --workdir {t}/w --report {t}/r",
            "seed 2147483648 collides with the evaluation seeds",
        ),
        (
            "reproduce --task point_mass --protocol regimes --seeds -1 --workdir {t}/w --report {t}/r",
            "seed -1 is negative",
        ),
        ("collect --task point_mass --out {t}/x.h5 --seed -1", "--seed must be a whole number >= 0"),
    ],
)
def test_negative_and_zero_counts_are_one_line(cli, tmp_path, point_mass_data, point_mass_checkpoint, args, fragment):
    names = {"t": tmp_path, "d": point_mass_data, "c": point_mass_checkpoint}
    assert fragment in one_line_error(*cli(*args.format(**names).split())[::2])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, fragment",
    [
        ("eval --checkpoint {c} --out {t}/ev --episodes 100000000", "--episodes 100000000 would simulate for at least"),
        ("eval --checkpoint {c} --out {t}/ev --num-samples 1000000000", "lower --num-samples or --batch-size"),
        ("collect --task point_mass --out {t}/x.h5 --episodes 1000000000", "--episodes 1000000000 would simulate"),
    ],
)
def test_absurd_budgets_are_refused_up_front_naming_the_flag(cli, tmp_path, point_mass_checkpoint, args, fragment):
    names = {"t": tmp_path, "c": point_mass_checkpoint}
    assert fragment in one_line_error(*cli(*args.format(**names).split())[::2])
    assert list(tmp_path.iterdir()) == []


def test_force_refuses_to_delete_a_folder_with_user_files(cli, tmp_path, monkeypatch):
    """demo/reproduce --force delete their folders; never one holding the current folder or foreign files."""
    work = tmp_path / "w"
    work.mkdir()
    (work / "notes.txt").write_text("mine\n")
    line = one_line_error(*cli("demo", "--workdir", work, "--report", tmp_path / "r", "--force")[::2])
    assert "--force would delete" in line and "notes.txt" in line
    assert (work / "notes.txt").read_text() == "mine\n"
    monkeypatch.chdir(work)
    line = one_line_error(*cli("demo", "--workdir", ".", "--report", tmp_path / "r", "--force")[::2])
    assert "holds the current folder" in line


def test_protocols_check_their_largest_plan_against_free_memory(cli, tmp_path, monkeypatch):
    """Every built-in protocol fits in 4 GiB; with 1 MiB free, reproduce stops before its first stage."""
    import actjepa.planner.limits as limits
    from actjepa.benchmarks.cli.guards import check_protocol
    from actjepa.benchmarks.experiments.protocols import PROTOCOLS, protocol

    monkeypatch.setattr(limits, "available_memory_bytes", lambda device="cpu": 4 * 2**30)
    for name in PROTOCOLS:
        check_protocol(protocol(name, task="reacher"), tmp_path / "w", tmp_path / "r", force=False)
    monkeypatch.setattr(limits, "available_memory_bytes", lambda device="cpu": 2**20)
    args = ("reproduce", "--task", "point_mass", "--workdir", tmp_path / "w", "--report", tmp_path / "r")
    assert "lower --num-samples or --batch-size" in one_line_error(*cli(*args)[::2])
    assert list(tmp_path.iterdir()) == []


def test_unknown_observation_mode_is_refused_before_collecting(cli, tmp_path):
    """Found by the property test: the progress bar started before the mode was checked."""
    code, _, err = cli("collect", "--task", "point_mass", "--out", tmp_path / "x.h5", "--obs-mode", "rgb")
    assert one_line_error(code, err) == "actjepa: error: unknown observation mode 'rgb'; use one of state, pixels"
    assert list(tmp_path.iterdir()) == []
