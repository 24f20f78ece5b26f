"""Train a world model on a demonstration file: the glue between envs' datasets and world_model's trainer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.errors import UserError


@dataclass(frozen=True)
class TrainRequest:
    """One training run on one dataset (what `actjepa train` and the experiments ask for)."""

    data: Path
    "Demonstration file written by `actjepa collect`."
    out: Path
    "Checkpoint folder."
    baseline: str | None = None
    "None for ACT-JEPA, 'bc' for the behaviour-cloning baseline."
    preset: str = "default"
    "Named training settings of world_model.train_config.PRESETS."
    steps: int | None = None
    "Optimizer steps (None keeps the preset's)."
    batch_size: int | None = None
    "Windows per step (None keeps the preset's)."
    seed: int = 0
    "Seed of initialisation, masking and window sampling."
    device: str = "cpu"
    "'cpu' or 'cuda'."
    regularizer: str = "vicreg"
    "Anti-collapse term: 'vicreg' or 'sigreg'."
    episodes: np.ndarray | None = None
    "Use only these episode indices (before the validation split); None uses all."
    val_fraction: float = 0.1
    "Share of the used episodes held out for the open-loop diagnostic."
    final_goal_prob: float = 0.5
    "Probability that a window's hindsight goal is the episode's last observation."
    resume: bool = False
    "Continue a run from its last checkpoint."
    force: bool = False
    "Replace an existing checkpoint folder."


def train_on_dataset(request: TrainRequest, progress: bool = True):
    """Train (or resume) a model as requested and return it in eval mode."""
    from envs.dataset import WindowSampler, load_dataset, normalization_stats, split_episodes
    from world_model import ModelConfig
    from world_model.train import train
    from world_model.train_config import preset

    dataset = load_dataset(request.data)
    used = np.arange(len(dataset.actions)) if request.episodes is None else np.asarray(request.episodes)
    if used.size == 0:
        raise UserError(f"{request.data} has no episodes to train on; collect some with `actjepa collect`")
    train_rel, val_rel = split_episodes(len(used), request.val_fraction, request.seed)
    train_idx, val_idx = used[train_rel], used[val_rel]
    cfg = preset(request.preset, steps=request.steps, batch_size=request.batch_size, seed=request.seed,
                 device=request.device)
    model_cfg = ModelConfig(
        obs_shape=tuple(dataset.observations.shape[2:]),
        action_dim=int(dataset.actions.shape[-1]),
        obs_mode=dataset.meta["obs_mode"],
        context_len=3 if dataset.meta["obs_mode"] == "pixels" else 1,
        regularizer=request.regularizer,
        baseline=request.baseline or "none",
    )
    sampler = WindowSampler(dataset, model_cfg.context_len, model_cfg.chunk_len, seed=request.seed,
                            episodes=train_idx, final_goal_prob=request.final_goal_prob)
    stats = normalization_stats(dataset, episodes=train_idx)
    heldout = (lambda: (dataset.observations[val_idx], dataset.actions[val_idx])) if val_idx.size else None
    meta = {"task": dataset.meta["task"], "obs_mode": dataset.meta["obs_mode"], "dataset_sha256": dataset.sha256}
    result = train(model_cfg, cfg, sampler.batch, stats, request.out, meta, heldout=heldout,
                   resume=request.resume, force=request.force, progress=progress)
    return result.model.eval()



