"""Train a world model on a demonstration file: the glue between envs' datasets and world_model's trainer."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import tyro

from actjepa.benchmarks.errors import UserError
from actjepa.world_model.training.config import TrainConfig, preset

if TYPE_CHECKING:
    from actjepa.world_model.training.distributed import Shard

BASELINES = ("bc",)
"Baselines a run can train instead of ACT-JEPA."


@dataclass(frozen=True)
class TrainSettings:
    """How a model is trained, wherever its data and checkpoint live (what a protocol fixes for every run)."""

    preset: str = "default"
    """Named training settings (world_model.training.config.PRESETS) the training options start from: 'default'
    (planning quality) or 'demo' (quick)."""
    config: TrainConfig = field(default_factory=TrainConfig)
    "The world model's training settings: steps, optimisation, loss terms, logging and checkpoints."
    regularizer: str = "vicreg"
    "Anti-collapse term: 'vicreg' or 'sigreg'."
    val_fraction: float = 0.1
    "Share of the used episodes held out for the open-loop diagnostic."
    final_goal_prob: float = 0.5
    "Probability that a window's hindsight goal is the episode's last observation."
    hindsight_discount: float | None = None
    """Later hindsight goals lie Geometric(1 - discount) steps ahead instead of anywhere up to the episode's end
    (None: uniformly). Long play episodes (OGBench's 1000 steps) otherwise rarely pair a state with a goal a few
    steps away, and the learned steps-to-go read 60 for states 5 steps apart."""
    task_goal_prob: float = 0.0
    """Probability that a window's goal is its episode's stored goal observation (the task's goal-observation
    function) instead of a hindsight goal. Keep 0 for play data; use e.g. 0.25 for demonstrations that head for
    their desired goal when goal observations differ from real end states (e.g. a resting pose the episodes
    never quite reach)."""
    partial_goal_prob: float = 0.0
    """Probability that a window's goal is its last context observation with only the task's goal entries
    (TaskSpec.goal_obs_dims) from its hindsight goal, as the `partial:` controllers compose goals at evaluation,
    so the model learns to embed them. Tasks with goal entries only (OGBench cube); 0 switches it off."""

    @classmethod
    def of_preset(cls, name: str) -> TrainSettings:
        """The named preset's training settings, everything else at its default."""
        return cls(preset=name, config=preset(name))

    def with_changes(self, **changes: Any) -> TrainSettings:
        """These settings with fields replaced by name, here or in the training config (None values are ignored)."""
        own = {f.name for f in fields(self)} - {"config"}
        mine = {k: v for k, v in changes.items() if k in own and v is not None}
        rest = {k: v for k, v in changes.items() if k not in own}
        return replace(self, **mine, config=self.config.with_changes(**rest))

    def changed(self) -> dict[str, Any]:
        """The training config's fields whose values differ from the preset's, by name."""
        base = preset(self.preset).to_dict()
        return {k: v for k, v in self.config.to_dict().items() if v != base[k]}

    def record(self) -> dict[str, Any]:
        """The settings as results record them: the preset, every training field (None where it keeps the
        preset's value) and the sampling settings."""
        changed = self.changed()
        flat = {k: changed.get(k) for k in self.config.to_dict()}
        return {"preset": self.preset, **flat, **{f.name: getattr(self, f.name) for f in fields(self)[2:]}}


@dataclass(frozen=True)
class TrainRequest:
    """One training run on one dataset (what `actjepa train` and the experiments ask for)."""

    data: Path
    "Demonstration file written by `actjepa collect`."
    out: Path
    "Checkpoint folder (model.safetensors, checkpoint.json, plots, metrics)."
    baseline: str | None = None
    "None (or 'none') for ACT-JEPA, 'bc' for the behaviour-cloning baseline."
    settings: TrainSettings = field(default_factory=TrainSettings)
    "How the model is trained."
    episodes: Annotated[np.ndarray | None, tyro.conf.Suppress] = None
    "Use only these episode indices (before the validation split); None uses all."
    resume: bool = False
    "Continue a run from its last checkpoint."
    force: bool = False
    "Replace an existing checkpoint folder."

    def __post_init__(self) -> None:
        if self.baseline == "none":
            object.__setattr__(self, "baseline", None)
        if self.baseline is not None and self.baseline not in BASELINES:
            raise UserError(f"--baseline {self.baseline!r} is unknown; use bc (or leave it out for ACT-JEPA)")
        if self.resume and self.force:
            raise UserError("--resume and --force contradict each other; pass one of them")


def _check_resumed_task(dataset, request: TrainRequest) -> None:
    """The dataset must hold the task (and observation mode) of the run being resumed, if --out has a checkpoint."""
    from actjepa.envs.dataset import check_dataset_task
    from actjepa.world_model.training.checkpoint import INFO_FILE, read_info

    if (request.out / INFO_FILE).is_file():
        info = read_info(request.out)
        check_dataset_task(
            dataset,
            info.get("task"),
            info.get("obs_mode"),
            request.data,
            context=f"the run being resumed in {request.out} was trained on it",
        )


def train_on_dataset(
    request: TrainRequest,
    progress: bool = True,
    model_overrides: dict | None = None,
    train_overrides: dict | None = None,
    shard: Shard | None = None,
):
    """Train (or resume) a model as requested and return it in eval mode.

    model_overrides / train_overrides replace ModelConfig / TrainConfig fields by name (the ablation rows use them).
    After training, the goal calibration of the held-out episodes is written beside the checkpoint.
    shard: this process's world_model.training.distributed.Shard when training on several (None: one process);
    rank 0 alone writes.
    """
    from actjepa.envs.dataset import load_dataset, normalization_stats
    from actjepa.world_model.training.distributed import SINGLE
    from actjepa.world_model.training.train import train

    shard = shard or SINGLE
    dataset = load_dataset(request.data)
    s = request.settings
    train_idx, val_idx = _split(dataset, request)
    if request.resume:
        _check_resumed_task(dataset, request)
    cfg = s.config.with_changes(**(train_overrides or {}))
    obs_mode = dataset.meta["obs_mode"]
    model_cfg = _model_config(dataset, request, model_overrides)
    sampler = _sampler(dataset, s, cfg, model_cfg, train_idx)
    stats = normalization_stats(dataset, episodes=train_idx)
    heldout = (lambda: (dataset.observations[val_idx], dataset.actions[val_idx])) if val_idx.size else None
    meta = {"task": dataset.meta["task"], "obs_mode": obs_mode, "dataset_sha256": dataset.sha256}
    result = train(
        model_cfg,
        cfg,
        sampler.batch,
        stats,
        request.out,
        meta,
        heldout=heldout,
        resume=request.resume,
        force=request.force,
        progress=progress,
        shard=shard,
    )
    model = result.model.eval()
    if val_idx.size and shard.is_main:
        from actjepa.benchmarks.experiments.calibration import write_calibration

        write_calibration(model, dataset, val_idx, Path(request.out), progress=progress)
    return model


def _sampler(dataset, s: TrainSettings, cfg: TrainConfig, model_cfg, train_idx: np.ndarray):
    """The training windows of `train_idx`: goals drawn as the settings say, runs as the observation mode asks."""
    from actjepa.envs.dataset import WindowSampler

    return WindowSampler(
        dataset,
        model_cfg.context_len,
        cfg.window_future(model_cfg.chunk_len),
        seed=cfg.optim.seed,
        episodes=train_idx,
        final_goal_prob=s.final_goal_prob,
        task_goal_prob=s.task_goal_prob,
        hindsight_discount=s.hindsight_discount,
        windows_per_run=_runs(cfg, dataset.meta["obs_mode"]),
        partial_goal_prob=s.partial_goal_prob,
        goal_dims=_goal_entries(dataset) if s.partial_goal_prob > 0 else None,
    )


def _runs(cfg, obs_mode: str) -> int:
    """Windows per run for this observation mode (a pixel model draws 8 by default), checked to divide the batch."""
    runs = cfg.optim.runs_for(obs_mode)
    if cfg.optim.batch_size % runs:
        raise UserError(
            f"--batch-size {cfg.optim.batch_size} is not a multiple of the {runs} windows per "
            "run that a pixel model draws by default; pass a multiple of it, or --windows-per-run 1"
        )
    return runs


def _goal_entries(dataset) -> tuple[int, ...]:
    """The observation entries the dataset's task judges (TaskSpec.goal_obs_dims), for partial goals."""
    from actjepa import envs

    task = dataset.meta["task"]
    dims = envs.task_spec(task).goal_obs_dims if task in envs.task_names() else None
    if dims is None or dataset.meta["obs_mode"] != "state":
        raise UserError(
            f"--partial-goal-prob needs state observations of a task whose goals constrain part of them; "
            f"{task} ({dataset.meta['obs_mode']}) has none, so pass --partial-goal-prob 0"
        )
    return tuple(dims)


def _split(dataset, request: TrainRequest) -> tuple[np.ndarray, np.ndarray]:
    """Training and held-out episode indices among the requested episodes (all by default)."""
    from actjepa.envs.dataset import split_episodes

    used = np.arange(len(dataset.actions)) if request.episodes is None else np.asarray(request.episodes)
    if used.size == 0:
        raise UserError(f"{request.data} has no episodes to train on; collect some with `actjepa collect`")
    train_rel, val_rel = split_episodes(len(used), request.settings.val_fraction, request.settings.config.optim.seed)
    return used[train_rel], used[val_rel]


def _model_config(dataset, request: TrainRequest, overrides: dict | None):
    """The model's architecture for this dataset (shapes, observation mode) and request."""
    return model_config_for(
        tuple(dataset.observations.shape[2:]),
        int(dataset.actions.shape[-1]),
        dataset.meta["obs_mode"],
        regularizer=request.settings.regularizer,
        baseline=request.baseline or "none",
        **(overrides or {}),
    )


PIXEL_CONTEXT_LEN = 3
"Frames a pixel model's encoder reads (one frame shows no velocity; state vectors hold it, so they read one)."


def model_config_for(obs_shape: tuple[int, ...], action_dim: int, obs_mode: str, **fields):
    """The ModelConfig that training builds for observations of this shape and mode (fields replace its values)."""
    from actjepa.world_model import ModelConfig

    context_len = PIXEL_CONTEXT_LEN if obs_mode == "pixels" else 1
    return ModelConfig(
        **{"obs_shape": obs_shape, "action_dim": action_dim, "obs_mode": obs_mode, "context_len": context_len, **fields}
    )


def train_or_load(request: TrainRequest, progress: bool = True, **overrides) -> object:
    """The finished model of an earlier run in request.out (training wrote calibration.json last), else
    train it, resuming from the run's last checkpoint if there is one (experiments rerun where they stopped)."""
    from actjepa.world_model import load_model
    from actjepa.world_model.training.checkpoint import INFO_FILE

    out = Path(request.out)
    if (out / "calibration.json").is_file():
        model, _ = load_model(out, device=request.settings.config.device)
        return model.eval()
    resume = (out / INFO_FILE).is_file()
    return train_on_dataset(replace(request, resume=resume, force=False), progress=progress, **overrides)
