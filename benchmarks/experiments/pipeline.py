"""One protocol end to end: collect, train ACT-JEPA and BC, evaluate, sweep, plot, report.

Every stage writes its outputs under the work folder and is skipped when they
already exist, so an interrupted run continues where it stopped (`--force`
starts over). The report is regenerated from the JSON files at the end.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

from tqdm import tqdm

from benchmarks.evaluation.config import EvalConfig
from benchmarks.evaluation.run import evaluate, with_controllers
from benchmarks.experiments.protocols import ProtocolConfig
from benchmarks.experiments.training import TrainRequest, train_on_dataset
from benchmarks.io import read_json, write_json_atomic
from benchmarks.reporting import plots


class Pipeline:
    """The stages of one protocol run in a work folder."""

    def __init__(self, cfg: ProtocolConfig, workdir: Path, report_dir: Path, progress: bool = True) -> None:
        self.cfg = cfg
        self.workdir = Path(workdir)
        self.report_dir = Path(report_dir)
        self.progress = progress
        self.timings: dict[str, float] = {}
        self._models: dict[str, object] = {}

    # ---- paths -------------------------------------------------------------------------------
    @property
    def data(self) -> Path:
        return self.workdir / "data.h5"

    def run_dir(self, kind: str) -> Path:
        return self.workdir / kind

    def json_path(self, name: str) -> Path:
        return self.report_dir / f"{name}.json"

    # ---- helpers -----------------------------------------------------------------------------
    def _stage(self, name: str, output: Path, work: Callable[[], None]) -> None:
        if output.exists():
            tqdm.write(f"[{name}] done already ({output}); skipping")
            return
        tqdm.write(f"[{name}] ...")
        start = time.perf_counter()
        work()
        self.timings[name] = time.perf_counter() - start
        tqdm.write(f"[{name}] finished in {self.timings[name]:.0f} s")

    def eval_config(self, controllers: tuple[str, ...], episodes: int) -> EvalConfig:
        """The protocol's evaluation settings for other controllers and episode counts."""
        return with_controllers(self.cfg.eval, controllers, episodes)

    def train_request(self, kind: str) -> TrainRequest:
        """The run of `kind`; it resumes from the checkpoint an interrupted earlier invocation left."""
        return TrainRequest(
            data=self.data,
            out=self.run_dir(kind),
            baseline="bc" if kind == "bc" else None,
            settings=self.cfg.train,
            resume=(self.run_dir(kind) / "checkpoint.json").is_file(),
        )

    def model(self, kind: str):
        """The trained model of `kind` ('jepa' or 'bc'), loaded once."""
        if kind not in self._models:
            from world_model import load_model

            self._models[kind], _ = load_model(self.run_dir(kind), device=self.cfg.eval.device)
        return self._models[kind]

    @property
    def info(self) -> dict:
        from world_model.checkpoint import read_info

        info = read_info(self.run_dir("jepa"))
        return {"task": self.cfg.task, "obs_mode": info["model_config"]["obs_mode"]}

    # ---- stages ------------------------------------------------------------------------------
    def collect(self) -> None:
        from envs.collect import collect

        self._stage(
            "collect",
            self.data,
            lambda: collect(
                task=self.cfg.task,
                source="expert",
                episodes=self.cfg.demonstrations,
                noise=self.cfg.noise,
                seed=self.cfg.collect_seed,
                out=self.data,
                obs_mode="state",
                batch_size=100,
                force=False,
                progress=self.progress,
            ),
        )

    def train(self, kind: str) -> None:
        self._stage(
            f"train {kind}",
            self.run_dir(kind) / "open_loop.json",
            lambda: train_on_dataset(self.train_request(kind), progress=self.progress),
        )

    def compare_controllers(self) -> None:
        def work() -> None:
            cfg = self.cfg.eval
            results = evaluate(
                self.model("jepa"), self.info, cfg, progress=self.progress, checkpoint=str(self.run_dir("jepa"))
            )
            bc_cfg = self.eval_config(("policy", "mppi+prior"), cfg.episodes)
            bc = evaluate(
                self.model("jepa"),
                self.info,
                bc_cfg,
                prior=self.model("bc"),
                progress=self.progress,
                checkpoint=str(self.run_dir("jepa")),
            )
            for name, entry in bc["controllers"].items():
                results["controllers"][f"bc:{name}"] = entry
            results["notes"] = (
                "bc:policy is the behaviour-cloning baseline's head alone; bc:mppi+prior plans "
                "on the ACT-JEPA world model with the BC head as sampling prior."
            )
            write_json_atomic(self.json_path("results"), results)

        self._stage("compare controllers", self.json_path("results"), work)

    def _sweep(self, stage: str, name: str, key: str, values: tuple[int, ...], references: tuple[str, ...]) -> None:
        """Sweep one planning setting for every planner; references come from the controller comparison."""
        from benchmarks.evaluation.sweeps import sweep

        def work() -> None:
            refs = read_json(self.json_path("results"))["controllers"]
            base = self.eval_config((), self.cfg.sweep_episodes)
            result = sweep(
                self.model("jepa"),
                self.info,
                base,
                self.cfg.horizon_planners,
                key,
                values,
                references={k: refs[k] for k in references if k in refs},
                progress=self.progress,
            )
            write_json_atomic(self.json_path(name), result)

        if values:
            self._stage(stage, self.json_path(name), work)

    def horizon_sweep(self) -> None:
        self._sweep("horizon sweep", "horizon", "horizon", self.cfg.horizons, ("policy", "oracle"))

    def budget_sweep(self) -> None:
        self._sweep("sample-budget sweep", "budget", "num_samples", self.cfg.budgets, ("policy",))

    def open_loop(self) -> None:
        from benchmarks.experiments.open_loop import open_loop_comparison
        from envs.dataset import load_dataset, split_episodes

        def work() -> None:
            dataset = load_dataset(self.data)
            _, val = split_episodes(len(dataset.actions), self.cfg.train.val_fraction, self.cfg.train.seed)
            result = open_loop_comparison(
                {"act-jepa": self.model("jepa"), "bc": self.model("bc")},
                dataset.observations[val],
                dataset.actions[val],
                16,
                self.cfg.task,
            )
            write_json_atomic(self.json_path("open_loop"), result)

        self._stage("open-loop prediction", self.json_path("open_loop"), work)

    def data_efficiency(self) -> None:
        from benchmarks.experiments.data_efficiency import run_data_efficiency

        def work() -> None:
            base = self.eval_config((), self.cfg.sweep_episodes)
            steps = self.cfg.data_efficiency_steps or self.cfg.train.steps
            request = TrainRequest(data=self.data, out=self.workdir, settings=replace(self.cfg.train, steps=steps))
            result = run_data_efficiency(
                self.data,
                self.workdir / "data_efficiency",
                self.cfg.data_efficiency_demos,
                self.cfg.data_efficiency_seeds,
                base,
                request,
                progress=self.progress,
            )
            write_json_atomic(self.json_path("data_efficiency"), result)

        if self.cfg.data_efficiency_demos:
            self._stage("data efficiency", self.json_path("data_efficiency"), work)

    def figures(self) -> list[Path]:
        """Every figure that the available JSON results allow."""
        out, made = self.report_dir, []
        if self.json_path("horizon").exists():
            made.append(
                plots.sweep_plot(
                    read_json(self.json_path("horizon")),
                    "horizon",
                    "planning horizon H",
                    out / "horizon.png",
                    "Success against planning horizon",
                )
            )
        if self.json_path("results").exists():
            made.append(
                plots.controllers_plot({self.cfg.task: read_json(self.json_path("results"))}, out / "controllers.png")
            )
        if self.json_path("budget").exists():
            made.append(
                plots.sweep_plot(
                    read_json(self.json_path("budget")),
                    "num_samples",
                    "samples N",
                    out / "budget.png",
                    "Success against sample budget",
                )
            )
        if self.json_path("data_efficiency").exists():
            made.append(
                plots.data_efficiency_plot(read_json(self.json_path("data_efficiency")), out / "data_efficiency.png")
            )
        if self.json_path("open_loop").exists():
            made.append(plots.open_loop_plot(read_json(self.json_path("open_loop")), out / "open_loop.png"))
        for kind in ("jepa", "bc"):
            for name in ("loss_curves.png", "embedding_health.png"):
                source = self.run_dir(kind) / name
                if source.exists():
                    shutil.copyfile(source, out / f"{kind}_{name}")
        return made

    def run(self) -> Path:
        """All stages in order, then the figures and the report page."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.report_dir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        self.collect()
        self.train("jepa")
        self.train("bc")
        self.compare_controllers()
        self.horizon_sweep()
        self.budget_sweep()
        self.open_loop()
        self.data_efficiency()
        self.figures()
        from benchmarks.reporting.report import write_report_page

        write_json_atomic(
            self.json_path("protocol"),
            {"protocol": asdict(self.cfg), "stage_seconds": self.timings, "total_seconds": time.perf_counter() - start},
        )
        return write_report_page(self.report_dir)
