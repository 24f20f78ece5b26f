"""One OGBench dataset end to end: generate (or reuse) the data, train ACT-JEPA and BC per training seed,
evaluate every controller under the official protocol, and write the dataset's results file.

Everything a run makes is kept under its workdir (models, waypoint graphs, one file per evaluation), so an
interrupted run continues where it stopped and a rerun with a controller added evaluates only that one.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

import tyro

from actjepa.benchmarks.experiments.training import TrainSettings
from actjepa.benchmarks.io import write_json_atomic
from actjepa.benchmarks.ogbench.evaluation import SUBGOAL_PREFIX, OfficialEvaluation, run_official
from actjepa.benchmarks.ogbench.graph import GraphConfig, build_graph, load_graph, save_graph
from actjepa.benchmarks.ogbench.results import controller_row, results_record
from actjepa.planner import ControllerConfig, PlannerConfig
from actjepa.planner.subgoals import SubgoalConfig

BC_PREFIX = "bc:"
"Rows of the behaviour-cloning baseline's controllers are named bc:<controller>."


@dataclass(frozen=True)
class OGBenchSuite:
    """What `actjepa reproduce --suite ogbench` runs for one dataset."""

    dataset: str = "pointmaze-medium-navigate-v0"
    "OGBench dataset (envs.ogbench.recipes.RECIPES)."
    seeds: tuple[int, ...] = (0, 1, 2)
    "Training seeds (OGBench reports 8)."
    data_seed: int = 0
    "Seed of the regenerated dataset."
    controllers: tuple[str, ...] = ("policy", "mppi", "mppi+prior", "subgoal:policy")
    "ACT-JEPA controllers to evaluate (subgoal:<name> plans through the model's waypoint graph)."
    baseline_controllers: tuple[str, ...] = ("policy",)
    "Controllers of the BC baseline (OGBench's GCBC counterpart); empty: no baseline."
    train: Annotated[TrainSettings, tyro.conf.Suppress] = field(
        default_factory=lambda: TrainSettings(final_goal_prob=0.1, hindsight_discount=0.99)
    )
    """How every model is trained (its seed, device and validation share are set per run): goals mostly a
    geometric number of steps ahead, as OGBench's value learners draw them, since its episodes run 1000 steps."""
    baseline_goals: Annotated[tuple[float, float | None], tyro.conf.Suppress] = (0.0, None)
    """(final_goal_prob, hindsight_discount) of the BC baseline, otherwise trained as `train` says: goals are
    states drawn uniformly from the rest of the trajectory, as OGBench's GCBC draws them, so that it reproduces the
    published GCBC (a check of the data and protocol)."""
    baseline_chunk: int | None = None
    """Actions per chunk of the BC baseline's head (None: the model's default). 1 is OGBench's GCBC exactly, one
    action per observation: how much of our BC's lead over the published GCBC comes from action chunking."""
    value_scale: float = 100.0
    """Steps per output unit of the learned steps-to-go: OGBench's hindsight goals lie up to 1000 steps away, and
    at the default 16 the value's squared error (about 74 at start) dwarfed the other losses and the gradient clip."""
    rollout_horizon: int = 16
    "Steps of the predictor's rollout loss (as far as the planner looks ahead)."
    partial_goal_prob: float = 0.0
    """Share of ACT-JEPA's training goals composed of the state and the goal's task entries, as `partial:`
    controllers compose them (TrainSettings.partial_goal_prob; cube only). Its models live in their own folders
    (jepa-partial0.5-seed0)."""
    evaluation: OfficialEvaluation = field(default_factory=OfficialEvaluation)
    "Episodes of the official protocol and their split."
    control: ControllerConfig = field(
        default_factory=lambda: ControllerConfig(planner=PlannerConfig(num_samples=64, horizon=16, iterations=2))
    )
    """Planning budget and replanning of every controller. (64, 16, 2) was chosen on the validation episodes of
    pointmaze-medium-navigate for success per second: mppi+prior 83% at 0.37 s per batched action against 87% at
    0.94 s for (128, 16, 3) (20 episodes per task, one model; docs/findings.md)."""
    subgoals: SubgoalConfig = field(default_factory=SubgoalConfig)
    "How subgoal controllers choose waypoints."
    graph: GraphConfig = field(default_factory=GraphConfig)
    "How each model's waypoint graph is built."
    workdir: Path = Path("runs/ogbench")
    "Models, graphs and kept evaluations."
    data_dir: Path = Path("data/ogbench")
    "Where generated datasets are kept (reused by every run)."

    @property
    def device(self) -> str:
        """Device of training and planning (the controller's, else the CPU)."""
        return self.control.device or "cpu"

    @property
    def folder(self) -> Path:
        return self.workdir / self.dataset

    def data_path(self) -> Path:
        return self.data_dir / f"{self.dataset}-seed{self.data_seed}.h5"


def ensure_data(suite: OGBenchSuite, progress: bool = True) -> Path:
    """The dataset file, generated first if it is not there yet."""
    from actjepa.envs.ogbench.generate import GenerateConfig, generate

    path = suite.data_path()
    if not path.is_file():
        generate(GenerateConfig(suite.dataset, path, seed=suite.data_seed, progress=progress))
    return path


def training_settings(suite: OGBenchSuite, baseline: bool) -> TrainSettings:
    """How ACT-JEPA (or, with baseline, BC) is trained on this suite, before the per-run seed and device."""
    if not baseline:
        return suite.train.with_changes(partial_goal_prob=suite.partial_goal_prob)
    final, discount = suite.baseline_goals
    return replace(suite.train, final_goal_prob=final, hindsight_discount=discount)


def model_folder(suite: OGBenchSuite, seed: int, baseline: str | None) -> str:
    """Name of a model's run folder under suite.folder: jepa-seed0, bc-seed0, or bc-chunk1-seed0."""
    chunk = f"-chunk{suite.baseline_chunk}" if baseline and suite.baseline_chunk else ""
    partial = f"-partial{suite.partial_goal_prob:g}" if not baseline and suite.partial_goal_prob else ""
    return f"{baseline or 'jepa'}{chunk}{partial}-seed{seed}"


def _train_request(suite: OGBenchSuite, data: Path, seed: int, baseline: str | None):
    from actjepa.benchmarks.experiments.training import TrainRequest
    from actjepa.envs.ogbench import recipe

    rec = recipe(suite.dataset)
    held_out = rec.val_episodes / rec.total_episodes
    settings = training_settings(suite, bool(baseline)).with_changes(
        seed=seed, device=suite.device, val_fraction=held_out
    )
    name = model_folder(suite, seed, baseline)
    return TrainRequest(data, suite.folder / name, baseline=baseline, settings=settings)


def trained_model(suite: OGBenchSuite, data: Path, seed: int, baseline: str | None, progress: bool = True):
    """The model of one training seed, trained (or resumed) unless its run folder holds a finished one; the
    wall time of the training done here is added to train_time.json beside it."""
    from actjepa.benchmarks.experiments.training import train_or_load

    request = _train_request(suite, data, seed, baseline)
    started = time.perf_counter()
    chunk = {"chunk_len": suite.baseline_chunk} if baseline and suite.baseline_chunk else {}
    model = train_or_load(
        request,
        progress=progress,
        model_overrides={"value_scale": suite.value_scale, **chunk},
        train_overrides={"rollout_horizon": suite.rollout_horizon},
    )
    spent = time.perf_counter() - started
    timing = request.out / "train_time.json"
    before = json.loads(timing.read_text()) if timing.is_file() else {"wall_s": 0.0, "runs": 0}
    if spent > 60 or not timing.is_file():  # loading a finished model takes seconds; training takes minutes
        write_json_atomic(timing, {"wall_s": before["wall_s"] + spent, "runs": before["runs"] + 1})
    return model


def waypoint_graph(suite: OGBenchSuite, model: Any, data: Path, seed: int):
    """The model's waypoint graph over its own training episodes, built once and kept beside the model."""
    from actjepa.envs.dataset import load_dataset, split_episodes

    request = _train_request(suite, data, seed, None)
    key = hashlib.sha256(repr((suite.graph, suite.subgoals.reach, seed)).encode()).hexdigest()[:12]
    path = request.out / f"graph-{key}.safetensors"
    if path.is_file():
        return load_graph(path, device=suite.device)
    dataset = load_dataset(data)
    train_idx, _ = split_episodes(dataset.num_episodes, request.settings.val_fraction, seed)
    graph = build_graph(model, dataset, train_idx, suite.graph, suite.subgoals.reach, seed)
    save_graph(graph, path)
    return graph


def kept_run(suite: OGBenchSuite, name: str, seed: int, run, progress: bool) -> dict[str, Any]:
    """run() -> a run_official record, kept under the suite folder by everything that decides it: the model's
    weights (by content, so a retrained model is evaluated again), the evaluation, the planning budget and, for
    subgoal controllers, the graph's settings."""
    model_name = model_folder(suite, seed, "bc" if name.startswith(BC_PREFIX) else None)
    key = repr((name, seed, suite.dataset, suite.data_seed, suite.evaluation, suite.control,
                _weights_digest(suite.folder / model_name),
                *((suite.subgoals, suite.graph) if name.startswith(SUBGOAL_PREFIX) else ())))  # fmt: skip
    path = suite.folder / "evaluations" / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
    saved = json.loads(path.read_text()) if path.is_file() else {}
    if saved.get("key") != key:
        saved = {"key": key, "record": run()}
        write_json_atomic(path, saved)
    elif progress:
        print(f"{name} seed {seed}: kept evaluation {path}")
    return saved["record"]


def _weights_digest(folder: Path) -> str:
    """sha256 of a trained model's weights file."""
    from actjepa.world_model.training.checkpoint import MODEL_FILE

    return hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()


def run_suite(suite: OGBenchSuite, progress: bool = True) -> dict[str, Any]:
    """Train, evaluate and assemble the results record of suite.dataset (not written anywhere)."""
    data = ensure_data(suite, progress)
    rows: dict[str, dict[int, dict]] = {}
    for seed in suite.seeds:
        if suite.controllers:
            model = trained_model(suite, data, seed, None, progress)
            subgoals = any(c.startswith(SUBGOAL_PREFIX) for c in suite.controllers)
            graph = waypoint_graph(suite, model, data, seed) if subgoals else None
            for name, record in _evaluations(suite, model, seed, suite.controllers, "", graph, progress):
                rows.setdefault(name, {})[seed] = record
        if suite.baseline_controllers:
            bc = trained_model(suite, data, seed, "bc", progress)
            bc_suite = replace(suite, control=replace(suite.control, replan_every=min(suite.control.replan_every,
                                                                                      bc.cfg.chunk_len)))  # fmt: skip
            for name, record in _evaluations(bc_suite, bc, seed, suite.baseline_controllers, BC_PREFIX, None, progress):
                rows.setdefault(name, {})[seed] = record
    table = [controller_row(name, records) for name, records in rows.items()]
    return results_record(suite.dataset, _protocol(suite), table, {"training": _training_record(suite, data)})


def _evaluations(suite: OGBenchSuite, model: Any, seed: int, names, prefix: str, graph, progress: bool):
    """(row name, run_official record) of each controller of one model, kept evaluations reused."""
    from functools import partial

    from actjepa.envs.ogbench import recipe

    task = recipe(suite.dataset).env
    for name in names:
        run = partial(run_official, name, model, task, suite.evaluation, suite.control, graph, suite.subgoals,
                      progress=progress)  # fmt: skip
        yield prefix + name, kept_run(suite, prefix + name, seed, run, progress)


def _protocol(suite: OGBenchSuite) -> dict[str, Any]:
    from actjepa.envs.ogbench import NUM_TASKS

    return {
        "tasks": NUM_TASKS,
        "episodes_per_task": suite.evaluation.episodes_per_task,
        "seeds": list(suite.seeds),
        "split": suite.evaluation.split,
        "termination": "at success or the environment's time limit; solved = success at some step",
        "budget": {k: getattr(suite.control.planner, k) for k in ("num_samples", "horizon", "iterations")},
        "replan_every": suite.control.replan_every,
        "baseline_chunk": suite.baseline_chunk,
        "partial_goal_prob": suite.partial_goal_prob,
        "subgoals": {"reach": suite.subgoals.reach, "every": suite.subgoals.every, "waypoints": suite.graph.waypoints},
    }


def _training_record(suite: OGBenchSuite, data: Path) -> dict[str, Any]:
    """Steps and wall time of each model, read from the run folders."""
    out = {}
    for folder in sorted(suite.folder.glob("*-seed*")):
        info = json.loads((folder / "checkpoint.json").read_text()) if (folder / "checkpoint.json").is_file() else {}
        timing = json.loads((folder / "train_time.json").read_text()) if (folder / "train_time.json").is_file() else {}
        out[folder.name] = {"steps": info.get("step"), "wall_s": timing.get("wall_s")}
    return {"data": str(data), "models": out}
