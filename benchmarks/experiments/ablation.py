"""Which change buys what: the planning-quality changes switched on one at a time, in order.

Each row keeps the changes of the rows above it and adds one more, so the difference between
consecutive rows is that change's contribution on this task (on top of the earlier ones). The
first row is the model and planner as they were before any of the changes; the last swaps the
default cost for the learned value. Rows that change only the planner reuse the model of the
row above, and a rerun reuses every finished model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.kept_evaluations import evaluate_kept
from actjepa.benchmarks.experiments.training import TrainRequest, train_or_load


@dataclass(frozen=True)
class AblationRow:
    """One row: a name, what it adds, and the settings that differ from today's defaults."""

    name: str
    "Row label."
    adds: str
    "The change this row adds to the one above, in words."
    model: dict = field(default_factory=dict)
    "ModelConfig fields that differ from the defaults in this row."
    train: dict = field(default_factory=dict)
    "TrainConfig fields that differ from the defaults in this row."
    planner: dict = field(default_factory=dict)
    "PlannerConfig fields of the planning controllers that differ from the defaults in this row."


_BEFORE_MODEL = {"predictor_norm": False, "inference_encoder": "target"}
_BEFORE_TRAIN = {"regularizer_weight": 1.0, "vicreg_std_target": 1.0, "rollout_horizon": 8}
_SEARCH = {"cost": "l2", "prior_penalty": 0.0}

ROWS = (
    AblationRow("before", "the model and planner before these changes", _BEFORE_MODEL, _BEFORE_TRAIN, _SEARCH),
    AblationRow(
        "+ regularizer",
        "VICReg target and weight that the latent normalisation can meet",
        _BEFORE_MODEL,
        {"rollout_horizon": 8},
        _SEARCH,
    ),
    AblationRow(
        "+ normalised predictions",
        "predicted latents normalised like encoded ones",
        {"inference_encoder": "target"},
        {"rollout_horizon": 8},
        _SEARCH,
    ),
    AblationRow(
        "+ one encoder",
        "the head and the planner read the encoder the head was trained on",
        {},
        {"rollout_horizon": 8},
        _SEARCH,
    ),
    AblationRow("+ long rollout loss", "predictor rollout loss over 32 steps instead of 8", {}, {}, _SEARCH),
    AblationRow(
        "+ pull toward the prior", "candidates pay for straying from the policy's plan (today's defaults)", {}, {}, {}
    ),
    AblationRow(
        "value cost instead of L2", "the learned steps-to-goal as the planning cost", {}, {}, {"cost": "value"}
    ),
)
"The rows, in order; the sixth is today's defaults, the last an alternative cost on top of them."


def row_model_key(row: AblationRow) -> str:
    """Rows with the same model and training settings share one trained model."""
    return repr((sorted(row.model.items()), sorted(row.train.items())))


def run_ablation(data: Path, workdir: Path, base: EvalConfig, request: TrainRequest, progress: bool = True) -> dict:
    """Train one model per distinct row setting, evaluate policy and mppi+prior per row (a rerun reuses finished
    models and the evaluations it kept); the ablation JSON."""
    from actjepa.envs.dataset import load_dataset

    dataset = load_dataset(data)
    info = {"task": dataset.meta["task"], "obs_mode": dataset.meta["obs_mode"]}
    models: dict[str, tuple[object, Path]] = {}
    rows = []
    for index, row in enumerate(ROWS):
        key = row_model_key(row)
        if key not in models:
            out = workdir / f"row{index}"
            trained = train_or_load(
                replace(request, data=data, out=out),
                progress=progress,
                model_overrides=row.model,
                train_overrides=row.train,
            )
            models[key] = (trained, out)
        planner = replace(base.control.planner, **row.planner)
        cfg = replace(base, controllers=("policy", "mppi+prior"), control=replace(base.control, planner=planner))
        model, out = models[key]
        controllers = evaluate_kept(model, info, cfg, out, repr((key, request.settings)), progress)
        rows.append(
            {
                "name": row.name,
                "adds": row.adds,
                "model": row.model,
                "train": row.train,
                "planner": row.planner,
                "controllers": controllers,
            }
        )
    return {
        "task": info["task"],
        "episodes": base.episodes,
        "split": base.split,
        "train_steps": request.settings.changed().get("steps"),
        "preset": request.settings.preset,
        "rows": rows,
    }
