"""When does planning beat the policy? One model per regime and training seed, every controller evaluated.

A regime is data: how its training set is collected (expert, noisy, play, a mix, few episodes, goals
outside a held-out region) and how it is evaluated (goals inside that region, pushes, actuator noise).
Each regime collects one dataset (seed `collect_seed`), trains one model per training seed on it, and
pools the controllers' held-out episodes over the seeds, keeping the per-seed rates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.run import evaluate_seeds
from actjepa.benchmarks.experiments.training import TrainRequest, train_or_load
from actjepa.envs.perturbation import Perturbation
from actjepa.envs.regimes import DataRegime
from actjepa.envs.regions import GoalRegion

if TYPE_CHECKING:
    from actjepa.benchmarks.experiments.protocols import ProtocolConfig

HELD_OUT_SECTOR = GoalRegion(30.0, 120.0)
"Goal directions the goal-shift regime never collects and always evaluates (reacher targets, maze's top cells)."


@dataclass(frozen=True)
class Regime:
    """One regime: its training data, and what changes at evaluation."""

    data: DataRegime = field(default_factory=DataRegime)
    "How the training data is collected."
    about: str = ""
    "The data and evaluation in words (the report's 'data' column)."
    perturbation: Perturbation | None = None
    "Disturbance during evaluation (None: none)."
    goal_region: GoalRegion | None = None
    "Evaluate only goals in this region (None: the split's usual episodes)."


REGIMES: dict[str, Regime] = {
    "expert": Regime(DataRegime(), "200 expert episodes, action noise 0.1"),
    "noisy-0.3": Regime(DataRegime(noise=0.3), "200 expert episodes, action noise 0.3"),
    "noisy-0.6": Regime(DataRegime(noise=0.6), "200 expert episodes, action noise 0.6"),
    "play": Regime(DataRegime(play_fraction=1.0), "200 play episodes (correlated random actions), no expert"),
    "mix": Regime(DataRegime(play_fraction=0.9), "20 expert + 180 play episodes in one file"),
    "expert-10": Regime(DataRegime(episodes=10), "10 expert episodes, action noise 0.1"),
    "expert-50": Regime(DataRegime(episodes=50), "50 expert episodes, action noise 0.1"),
    "goal-shift": Regime(
        DataRegime(exclude_region=HELD_OUT_SECTOR),
        "200 expert episodes with no goal at 30-120 degrees; evaluated on goals there only",
        goal_region=HELD_OUT_SECTOR,
    ),
    "kick": Regime(
        DataRegime(),
        "200 expert episodes; evaluated with one random velocity kick (std 1) per episode",
        perturbation=Perturbation("kick", 1.0),
    ),
    "actuator-noise": Regime(
        DataRegime(),
        "200 expert episodes; evaluated with actuator noise 0.3",
        perturbation=Perturbation("actuator", 0.3),
    ),
}
"The regimes of `--protocol regimes`; 'expert' with 200 episodes doubles as the 200-episode quantity point."

ROW_KEYS = ("regime", "controller", "success_rate", "success_ci95", "seeds", "episodes", "per_seed")
(
    "The keys of every row of docs/results/regimes/<task>.json: 'episodes' counts the pooled episodes behind "
    "success_rate (held-out episodes per seed times 'seeds'); the oracle, which never reads a model, runs once."
)


def check_regimes(task: str, names: tuple[str, ...], seeds: tuple[int, ...], table: dict[str, Regime]) -> None:
    """One-line UserError for an unknown regime, an empty dataset, a region without goals, a push the task
    cannot take, or a seed outside the training range (at or above the evaluation seeds)."""
    from actjepa import envs
    from actjepa.envs.regions import check_region
    from actjepa.envs.seeds import EVALUATION_SEED_BASE

    unknown = [n for n in names if n not in table]
    if unknown:
        raise UserError(f"regime {unknown[0]!r} is unknown; use some of {', '.join(table)}")
    for seed in seeds:
        if seed < 0:
            raise UserError(f"seed {seed} is negative; use seeds in [0, {EVALUATION_SEED_BASE})")
        if seed >= EVALUATION_SEED_BASE:
            raise UserError(f"seed {seed} collides with the evaluation seeds; use seeds in [0, {EVALUATION_SEED_BASE})")
    for name in names:
        regime = table[name]
        try:
            regime.data.check()
            for region in {regime.data.exclude_region, regime.goal_region} - {None}:
                check_region(task, region)
            if regime.perturbation is not None and regime.perturbation.kind == "kick":
                with envs.make(task, num_envs=1) as env:
                    if env.velocity_dim == 0:
                        env.perturb(None)
        except envs.EnvError as exc:
            raise UserError(f"regime {name!r}: {exc}") from None


def regime_rows(name: str, results: dict) -> list[dict]:
    """The JSON rows of one regime's evaluate_seeds results, one per controller."""
    return [
        {
            "regime": name,
            "controller": controller,
            "success_rate": float(entry["success_rate"]),
            "success_ci95": [float(v) for v in entry["success_ci95"]],
            "seeds": len(entry["per_seed"]),
            "episodes": int(entry["episodes"]),
            "per_seed": [float(v) for v in entry["per_seed"]],
        }
        for controller, entry in results["controllers"].items()
    ]


def regime_eval_config(base: EvalConfig, regime: Regime) -> EvalConfig:
    """The base evaluation with the regime's goal region and perturbation."""
    return replace(base, perturbation=regime.perturbation, goal_region=regime.goal_region)


def _regime_models(
    task: str,
    data: DataRegime,
    folder: Path,
    seeds: tuple[int, ...],
    request: TrainRequest,
    collect_seed: int,
    progress: bool,
) -> dict[int, object]:
    """Collect the regime's data into folder (once) and train (or load) one model per seed there."""
    from actjepa.envs.regimes import collect_regime

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "data.h5"
    if not path.exists():
        collect_regime(task, data, collect_seed, path, progress=progress)
    settings = request.settings
    return {
        seed: train_or_load(
            replace(request, data=path, out=folder / f"jepa-s{seed}", settings=settings.with_changes(seed=seed)),
            progress=progress,
        )
        for seed in seeds
    }


def _evaluate_once(folder: Path, key: str, evaluate: Callable[[], dict]) -> dict:
    """The regime's results from folder/results.json when they were made with the same settings (`key`), else
    evaluate and keep them there: an interrupted run picks up after the last finished regime."""
    from actjepa.benchmarks.io import write_json_atomic

    cached = folder / "results.json"
    if cached.is_file():
        saved = json.loads(cached.read_text())
        if saved.get("key") == key:
            return saved["results"]
    results = evaluate()
    write_json_atomic(cached, {"key": key, "results": results})
    return results


def run_regimes(
    task: str,
    names: tuple[str, ...],
    seeds: tuple[int, ...],
    workdir: Path,
    base: EvalConfig,
    request: TrainRequest,
    collect_seed: int = 0,
    progress: bool = True,
) -> dict:
    """Collect, train (per seed) and evaluate every named regime; the regimes JSON {"task", "rows"}.

    Regimes with the same training data (expert, kick, actuator noise) share one dataset and one model per
    seed, kept in the folder of the first of them; each regime's evaluation is kept in its own folder, and
    regimes evaluated alike share one run of the simulator oracle."""
    rows, trained = [], {}
    info = {"task": task, "obs_mode": "state"}
    for name in names:
        regime = REGIMES[name]
        data_folder = trained.setdefault(regime.data, Path(workdir) / name)
        models = _regime_models(task, regime.data, data_folder, seeds, request, collect_seed, progress)
        cfg = regime_eval_config(base, regime)
        learned = replace(cfg, controllers=tuple(c for c in cfg.controllers if c != "oracle"))
        key = repr((learned, seeds, str(data_folder.resolve()), request.settings))
        folder = Path(workdir) / name
        folder.mkdir(parents=True, exist_ok=True)
        results = _evaluate_once(folder, key, partial(evaluate_seeds, models, info, learned, progress=progress))
        if "oracle" in cfg.controllers:
            oracle = _shared_oracle(Path(workdir), cfg, {seeds[0]: models[seeds[0]]}, info, progress)
            merged = {**results["controllers"], "oracle": oracle}
            results["controllers"] = {c: merged[c] for c in cfg.controllers}
        rows.extend(regime_rows(name, results))
    return {"task": task, "rows": rows}


def _shared_oracle(workdir: Path, cfg: EvalConfig, models: dict, info: dict, progress: bool) -> dict:
    """The simulator oracle's entry under the regime's evaluation. It never reads the model, so every regime
    with the same evaluation (episodes, goal region, perturbation) shares one run, kept under workdir/oracle."""
    oracle_cfg = replace(cfg, controllers=("oracle",))
    key = repr(oracle_cfg)
    folder = workdir / "oracle" / hashlib.sha256(key.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    results = _evaluate_once(folder, key, partial(evaluate_seeds, models, info, oracle_cfg, progress=progress))
    return results["controllers"]["oracle"]


def write_regimes(cfg: ProtocolConfig, workdir: Path, output: Path, progress: bool = True) -> None:
    """The protocol's regimes, trained under workdir/regimes, into the JSON file `output`."""
    from actjepa.benchmarks.provenance import write_results_json

    request = TrainRequest(data=Path(workdir) / "data.h5", out=Path(workdir), settings=cfg.train)
    result = run_regimes(
        cfg.task, cfg.regimes, cfg.seeds, Path(workdir) / "regimes", cfg.eval, request, cfg.collect_seed, progress
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    write_results_json(output, result, cfg.eval.device)
