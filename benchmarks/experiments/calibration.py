"""Does the latent space (and the learned value) measure progress? Goal calibration on held-out episodes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

CALIBRATION_FILE = "calibration.json"


def steps_to_success(successes: np.ndarray) -> np.ndarray:
    """(E, T+1) steps until each episode first met its goal, -1 after that point or where it never did."""
    first = np.where(successes.any(axis=1), successes.argmax(axis=1), -1)
    togo = first[:, None] - np.arange(successes.shape[1])[None]
    return np.where((first[:, None] >= 0) & (togo >= 0), togo, -1)


def calibration_record(model: Any, dataset: Any, episodes: np.ndarray) -> dict[str, Any]:
    """Spearman correlations of latent distance and value with the true goal distance (and steps to go).

    Goal-free data have no desired goal per episode: the goal is the episode's final observation (stored as its
    goal observation) and the steps to go are the steps left to it."""
    from actjepa.world_model.training.diagnostics import goal_calibration

    achieved = dataset.achieved_goals[episodes]
    if dataset.goal_free:  # no desired goal per episode: calibrate against each episode's final state
        truth = np.linalg.norm(achieved - achieved[:, -1:], axis=-1)
        togo = np.broadcast_to(np.arange(achieved.shape[1])[::-1], truth.shape)
    else:
        truth = np.linalg.norm(achieved - dataset.desired_goals[episodes][:, None], axis=-1)
        togo = steps_to_success(dataset.successes[episodes])
    return goal_calibration(model, dataset.observations[episodes], dataset.goal_observations[episodes], truth, togo)


def write_calibration(model: Any, dataset: Any, episodes: np.ndarray, out: Path, progress: bool = True) -> dict:
    """calibration.json (numbers and scatter points) and calibration.png in the checkpoint folder."""
    from actjepa.benchmarks.provenance import write_results_json
    from actjepa.world_model.training.plots import plot_calibration

    record = calibration_record(model, dataset, episodes)
    device = next((str(p.device) for p in model.parameters()), "cpu")
    write_results_json(out / CALIBRATION_FILE, record, device)
    plot_calibration(record, out / "calibration.png", title=f"{dataset.meta['task']}: goal calibration (held out)")
    if progress:
        parts = [f"{k.removesuffix('_spearman')} {v:.2f}" for k, v in record.items() if k.endswith("_spearman")]
        tqdm.write("goal calibration (Spearman vs true distance / steps to go): " + ", ".join(parts))
    return record
