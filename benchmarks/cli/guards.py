"""Checks every command runs before any work starts: output paths, devices, counts, time and memory.

Each raises UserError (or the package's own one-line error) so a bad request ends with one line and a
non-zero exit instead of a traceback minutes later. Output locations are probed by creating and removing
a temporary file, which also catches read-only file systems and folders root cannot write.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from actjepa.benchmarks.errors import UserError
from actjepa.common.files import write_failure_message

ENV_STEPS_PER_SECOND_BOUND = 40_000
"""Simulated episode steps per second taken as an upper bound: the policy controller on point_mass (the cheapest
task) steps one episode in about 1.3 ms on 2 CPU cores (~770/s); 50 episodes side by side are taken to be at most
50 times faster. Planners and harder tasks are slower, so a time estimated with it is a lower bound."""

MAX_RUN_SECONDS = 24 * 3600
"A request whose lower-bound time exceeds a day is refused as a likely typo; split it into several runs."


def _nearest_existing(path: Path) -> Path:
    """`path` itself if it exists, else its nearest existing ancestor (the folder it would be created in)."""
    path = Path(path).absolute()
    return next((p for p in (path, *path.parents) if p.exists()), Path("/"))


def _probe_folder(folder: Path, path: Path, flag: str) -> None:
    """Create and remove a temporary file in `folder`; UserError naming `flag` if that fails."""
    try:
        with tempfile.NamedTemporaryFile(prefix=".actjepa-probe.", dir=folder):
            pass
    except OSError as exc:
        raise UserError(write_failure_message(path, exc, flag)) from None


def _check_creatable(path: Path, flag: str) -> None:
    """The folders above `path` exist or can be created, and the nearest existing one is writable."""
    parent = _nearest_existing(Path(path).absolute().parent)
    if not parent.is_dir():
        raise UserError(f"{flag} {path}: {parent} is a file, not a folder; choose another {flag}")
    _probe_folder(parent, path, flag)


def check_output_file(path: Path, force: bool, flag: str = "--out", example: str = "out.json") -> None:
    """`path` can be written as a file: not a folder, its folder writable, not taken unless `force`."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{flag} {path} is a folder; pass a file path such as {path / example}")
    if path.exists() and not force:
        raise UserError(f"{path} already exists; pass --force to overwrite it or choose another {flag}")
    _check_creatable(path, flag)


def check_output_folder(path: Path, flag: str = "--out") -> None:
    """`path` can hold output files: not a file, and it (or the folder it will be created in) is writable."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserError(f"{flag} {path} is a file, not a folder; choose a folder path for {flag}")
    if path.is_dir():
        _probe_folder(path, path, flag)
    else:
        _check_creatable(path, flag)


def check_input_file(path: Path, flag: str) -> None:
    """`path` is an existing regular file (a folder or a missing path is one line)."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{flag} {path} is a folder; pass a file")
    if not path.is_file():
        raise UserError(f"{flag} {path} does not exist")


def check_positive(flag: str, value: int | None) -> None:
    """A count option (when set) is at least 1."""
    if value is not None and value < 1:
        raise UserError(f"{flag} must be at least 1, got {value}")


def check_not_negative(flag: str, value: int | None) -> None:
    """A count option where 0 means none (when set) is not negative."""
    if value is not None and value < 0:
        raise UserError(f"{flag} must be 0 or more, got {value}")


def check_threads(threads: int | None) -> None:
    """--threads (when set) is between 1 and the CPU count: more only slows torch down, and a huge count crashes
    the OpenMP runtime (a segmentation fault at the first matrix product)."""
    check_positive("--threads", threads)
    cores = os.cpu_count() or 1
    if threads is not None and threads > cores:
        raise UserError(f"--threads {threads} exceeds the {cores} CPU cores of this machine; pass at most {cores}")


def check_device(device: str | None) -> None:
    """--device names a device present on this machine (or world_model.training.device.check_device's one line)."""
    if device is None:
        return
    from actjepa.world_model.training.device import check_device as check

    check(device)


def check_simulation_time(flag: str, episodes: int, episode_steps: int, runs: int = 1) -> None:
    """Refuse `episodes` episodes (of `episode_steps` steps, `runs` times over) whose simulation alone takes a day.

    The estimate uses ENV_STEPS_PER_SECOND_BOUND, so the real run is never faster than it.
    """
    seconds = episodes * episode_steps * runs / ENV_STEPS_PER_SECOND_BOUND
    if seconds > MAX_RUN_SECONDS:
        most = max(1, math.floor(MAX_RUN_SECONDS * ENV_STEPS_PER_SECOND_BOUND / (episode_steps * runs)))
        raise UserError(
            f"{flag} {episodes} would simulate for at least {seconds / 3600:.0f} hours; "
            f"pass at most {most} (or split the run)"
        )


def check_evaluation(cfg, task: str, latent_dim: int) -> None:
    """An EvalConfig's episodes take less than a day to simulate and one batched plan fits in free memory."""
    from actjepa import envs
    from actjepa.planner.limits import check_planning_memory

    spec = envs.task_spec(task)
    check_simulation_time("--episodes", cfg.episodes, spec.max_episode_steps, runs=len(cfg.controllers))
    if set(cfg.controllers) == {"policy"}:
        return  # the policy does not plan
    batch = min(cfg.batch_size, cfg.episodes)
    check_planning_memory(cfg.control.planner, batch, latent_dim, spec.action_dim, device=cfg.device)


RUN_OUTPUT_SUFFIXES = (".h5", ".json", ".jsonl", ".safetensors", ".png", ".gif", ".md", ".partial")
"Suffixes of the files demo/reproduce write (datasets, checkpoints, results, figures, report pages)."


def check_restartable(folder: Path, flag: str) -> None:
    """--force may delete `folder` only if it is not the current folder (or above it) and holds only run outputs."""
    folder = Path(folder)
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UserError(f"{flag} {folder} is a file, not a folder; choose a folder path for {flag}")
    resolved, here = folder.resolve(), Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise UserError(f"--force would delete {folder}, which holds the current folder; choose another {flag}")
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix not in RUN_OUTPUT_SUFFIXES and ".tmp" not in path.name:
            raise UserError(
                f"--force would delete {path}, which no actjepa run writes; move it or choose another {flag}"
            )


def check_protocol(cfg, workdir: Path, report: Path, force: bool) -> None:
    """Output folders, device, and the evaluation limits of a protocol run, before its first stage."""
    from actjepa.world_model.core.config import ModelConfig

    for folder, flag in ((workdir, "--workdir"), (report, "--report")):
        check_output_folder(folder, flag)
        if force:
            check_restartable(folder, flag)
    check_device(cfg.train.config.device)
    latent_dim = ModelConfig.__dataclass_fields__["latent_dim"].default
    check_evaluation(cfg.eval, cfg.task, latent_dim)
    planner = cfg.eval.control.planner
    largest = {
        "horizon": max((*cfg.horizons, planner.horizon)),
        "num_samples": max((*cfg.budgets, planner.num_samples)),
    }
    check_evaluation(cfg.eval.with_budget(**largest), cfg.task, latent_dim)  # the sweeps' largest plan
