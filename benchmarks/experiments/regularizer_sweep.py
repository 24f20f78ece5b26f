"""Which anti-collapse term, at which weight? One model per variant, its latent geometry and its control.

The regularizer keeps the latents from collapsing, but the encoder's LayerNorm caps their spread, so a
term that asks for more than the normalisation allows dominates the other losses and flattens latent
distances. Each variant trains one model on the same data with the same seed; the sweep records the
embedding's health, how well latent distance ranks progress toward the goal, the predictor's open-loop
error and the success of the protocol's controllers (the planner without the prior, `mppi`, scores with the
latent cost alone, so it tells variants apart where the policy is at the ceiling), so the default is chosen
by measurement (on the validation split) rather than by habit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.kept_evaluations import evaluate_kept
from actjepa.benchmarks.experiments.training import TrainRequest, train_or_load

OPEN_LOOP_AT = (8, 16, 32)
"Rollout steps whose open-loop error each row keeps."


@dataclass(frozen=True)
class RegularizerVariant:
    """One anti-collapse setting: the term, its weight and (for VICReg) the per-dimension std it asks for."""

    regularizer: str
    "'vicreg' or 'sigreg' (ModelConfig.regularizer)."
    weight: float
    "LossSettings.regularizer_weight (0 switches the term off)."
    std_target: float = 0.5
    "LossSettings.vicreg_std_target (SIGReg ignores it)."

    @property
    def name(self) -> str:
        if self.weight == 0:
            return "none"
        target = f", std {self.std_target:g}" if self.regularizer == "vicreg" else ""
        return f"{self.regularizer} {self.weight:g}{target}"


VARIANTS = (
    RegularizerVariant("vicreg", 0.0),
    RegularizerVariant("vicreg", 0.01),
    RegularizerVariant("vicreg", 0.04),
    RegularizerVariant("vicreg", 0.2),
    RegularizerVariant("vicreg", 1.0, std_target=1.0),
    RegularizerVariant("sigreg", 0.04),
    RegularizerVariant("sigreg", 0.2),
    RegularizerVariant("sigreg", 1.0),
)
(
    "The swept settings: no term, VICReg at four weights (the last with the std target of 1 that the "
    "normalisation cannot meet, as before the change), SIGReg at three."
)


def default_variant() -> RegularizerVariant:
    """The setting today's defaults train with (ModelConfig.regularizer, TrainConfig's weight and std target)."""
    from dataclasses import fields

    from actjepa.world_model import ModelConfig, TrainConfig

    regularizer = next(f.default for f in fields(ModelConfig) if f.name == "regularizer")
    train = TrainConfig()
    return RegularizerVariant(str(regularizer), train.loss.regularizer_weight, train.loss.vicreg_std_target)


def _training_record(run: Path) -> dict:
    """Embedding health, loss terms, calibration and open-loop error that training left in `run`."""
    lines = [line for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    last = json.loads(lines[-1])
    calibration = json.loads((run / "calibration.json").read_text())
    open_loop = json.loads((run / "open_loop.json").read_text())
    return {
        "final_losses": {k: last[k] for k in ("action", "latent", "predictor", "regularizer") if k in last},
        "emb_std": last.get("emb_std"),
        "eff_rank": last.get("eff_rank"),
        "calibration": {k: v for k, v in calibration.items() if k.endswith("spearman")},
        "open_loop": {str(h): open_loop["model"][h - 1] for h in OPEN_LOOP_AT if h <= len(open_loop["model"])},
    }


def run_regularizer_sweep(
    data: Path,
    workdir: Path,
    base: EvalConfig,
    request: TrainRequest,
    variants: tuple[RegularizerVariant, ...] = VARIANTS,
    progress: bool = True,
) -> dict:
    """Train one model per variant and evaluate base's controllers (a rerun reuses finished models and the
    evaluations it kept); the JSON."""
    from actjepa.envs.dataset import load_dataset

    dataset = load_dataset(data)
    info = {"task": dataset.meta["task"], "obs_mode": dataset.meta["obs_mode"]}
    rows = []
    for index, variant in enumerate(variants):
        out = workdir / f"variant{index}"
        settings = request.settings.with_changes(regularizer=variant.regularizer)
        model = train_or_load(
            replace(request, data=data, out=out, settings=settings),
            progress=progress,
            train_overrides={"regularizer_weight": variant.weight, "vicreg_std_target": variant.std_target},
        )
        controllers = evaluate_kept(model, info, base, out, repr((variant, settings)), progress)
        row = {"name": variant.name, "regularizer": variant.regularizer, "weight": variant.weight}
        row.update(std_target=variant.std_target, **_training_record(out), controllers=controllers)
        rows.append(row)
    return {
        "task": info["task"],
        "episodes": base.episodes,
        "split": base.split,
        "train_steps": request.settings.config.steps,
        "preset": request.settings.preset,
        "seed": request.settings.config.optim.seed,
        "rows": rows,
    }
