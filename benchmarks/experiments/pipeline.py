"""One protocol end to end: collect, train ACT-JEPA and BC, evaluate, sweep, plot, report.

Every stage writes its outputs under the work folder and is skipped when they
already exist, so an interrupted run continues where it stopped (`--force`
starts over). The report is regenerated from the JSON files at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tqdm import tqdm

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.run import evaluate_seeds, with_controllers
from actjepa.benchmarks.experiments.protocols import ProtocolConfig
from actjepa.benchmarks.experiments.training import TrainRequest, train_on_dataset
from actjepa.benchmarks.experiments.work_time import cpu_seconds, record_work, work_record
from actjepa.benchmarks.io import read_json
from actjepa.benchmarks.provenance import write_results_json


class Pipeline:
    """The stages of one protocol run in a work folder."""

    def __init__(self, cfg: ProtocolConfig, workdir: Path, report_dir: Path, progress: bool = True) -> None:
        self.cfg = cfg
        self.workdir = Path(workdir)
        self.report_dir = Path(report_dir)
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.started_at: float | None = None
        "Unix time at which `make demo` started, set-up included (protocol.json then records its whole wall time)."
        self._models: dict[str, object] = {}

    # ---- paths -------------------------------------------------------------------------------
    @property
    def data(self) -> Path:
        return self.workdir / "data.h5"

    def run_dir(self, kind: str, seed: int | None = None) -> Path:
        """Checkpoint folder of a model kind ('jepa' or 'bc'); seeds after the first get their own."""
        first = self.cfg.seeds[0] if self.cfg.seeds else None
        return self.workdir / (kind if seed is None or seed == first else f"{kind}-s{seed}")

    def json_path(self, name: str) -> Path:
        return self.report_dir / f"{name}.json"

    def write(self, name: str, payload: dict) -> None:
        """A results file of the report folder, with the machine and code that made it."""
        write_results_json(self.json_path(name), payload, self.cfg.eval.device)

    # ---- helpers -----------------------------------------------------------------------------
    def _stage(self, name: str, output: Path, work: Callable[[], None]) -> None:
        if output.exists():
            tqdm.write(f"[{name}] done already ({output}); skipping")
            return
        tqdm.write(f"[{name}] ...")
        start = time.perf_counter()
        work()
        self.timings[name] = time.perf_counter() - start
        record_work(self.workdir, name, self.timings[name])
        tqdm.write(f"[{name}] finished in {self.timings[name]:.0f} s")

    def eval_config(self, controllers: tuple[str, ...], episodes: int) -> EvalConfig:
        """The protocol's evaluation settings for other controllers and episode counts."""
        return with_controllers(self.cfg.eval, controllers, episodes)

    def train_request(self, kind: str, seed: int | None = None) -> TrainRequest:
        """The run of `kind` (and seed); it resumes from the checkpoint an interrupted earlier invocation left."""
        settings = self.cfg.train if seed is None else self.cfg.train.with_changes(seed=seed)
        out = self.run_dir(kind, seed)
        return TrainRequest(
            data=self.data,
            out=out,
            baseline="bc" if kind == "bc" else None,
            settings=settings,
            resume=(out / "checkpoint.json").is_file(),
        )

    def model(self, kind: str, seed: int | None = None):
        """The trained model of `kind` ('jepa' or 'bc') and training seed (the first by default), loaded once."""
        key = (kind, seed if seed is not None else (self.cfg.seeds or (None,))[0])
        if key not in self._models:
            from actjepa.world_model import load_model

            self._models[key], _ = load_model(self.run_dir(kind, seed), device=self.cfg.eval.device)
        return self._models[key]

    @property
    def info(self) -> dict:
        from actjepa.world_model.training.checkpoint import read_info

        info = read_info(self.run_dir("jepa"))
        return {"task": self.cfg.task, "obs_mode": info["model_config"]["obs_mode"]}

    # ---- stages ------------------------------------------------------------------------------
    def collect(self) -> None:
        from actjepa.envs.collect import collect

        c = self.cfg
        settings = dict(task=c.task, episodes=c.demonstrations, noise=c.noise, seed=c.collect_seed, obs_mode=c.obs_mode)
        work = partial(collect, source="expert", out=self.data, batch_size=100, force=False, progress=self.progress)
        self._stage("collect", self.data, partial(work, **settings))

    def train(self, kind: str, seed: int | None = None) -> None:
        label = f"train {kind}" if seed is None or seed == self.cfg.seeds[0] else f"train {kind} seed {seed}"
        self._stage(
            label,
            self.run_dir(kind, seed) / "open_loop.json",
            lambda: train_on_dataset(self.train_request(kind, seed), progress=self.progress),
        )

    def compare_controllers(self) -> None:
        def work() -> None:
            cfg = self.cfg.eval
            seeds = self.cfg.seeds
            jepa = {s: self.model("jepa", s) for s in seeds}
            results = evaluate_seeds(jepa, self.info, cfg, progress=self.progress, checkpoint=str(self.run_dir("jepa")))
            results["training_seeds"] = list(seeds)
            if self.cfg.baseline:
                self._add_baseline(results, jepa)
            self.write("results", results)

        self._stage("compare controllers", self.json_path("results"), work)

    def _add_baseline(self, results: dict, jepa: dict) -> None:
        """BC's policy, and BC's head as the prior of planning on the ACT-JEPA model, into `results`."""
        seeds, cfg = self.cfg.seeds, self.cfg.eval
        bc_cfg = self.eval_config(("policy", "mppi+prior"), cfg.episodes)
        bc = evaluate_seeds(
            jepa,
            self.info,
            bc_cfg,
            priors={s: self.model("bc", s) for s in seeds},
            progress=self.progress,
            checkpoint=str(self.run_dir("jepa")),
        )
        for name, entry in bc["controllers"].items():
            results["controllers"][f"bc:{name}"] = entry
        results["notes"] = (
            "bc:policy is the behaviour-cloning baseline's head alone; bc:mppi+prior plans "
            "on the ACT-JEPA world model with the BC head as sampling prior."
        )

    def _sweep(self, stage: str, name: str, key: str, values: tuple[int, ...], references: tuple[str, ...]) -> None:
        """Sweep one planning setting for every planner; references come from the controller comparison."""
        from actjepa.benchmarks.evaluation.sweeps import sweep

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
            self.write(name, result)

        if values:
            self._stage(stage, self.json_path(name), work)

    def horizon_sweep(self) -> None:
        self._sweep("horizon sweep", "horizon", "horizon", self.cfg.horizons, ("policy", "oracle"))

    def budget_sweep(self) -> None:
        self._sweep("sample-budget sweep", "budget", "num_samples", self.cfg.budgets, ("policy",))

    def open_loop(self) -> None:
        from actjepa.benchmarks.experiments.open_loop import open_loop_comparison
        from actjepa.envs.dataset import load_dataset, split_episodes

        def work() -> None:
            dataset = load_dataset(self.data)
            train = self.cfg.train
            _, val = split_episodes(len(dataset.actions), train.val_fraction, train.config.optim.seed)
            result = open_loop_comparison(
                {"act-jepa": self.model("jepa"), **({"bc": self.model("bc")} if self.cfg.baseline else {})},
                dataset.observations[val],
                dataset.actions[val],
                train.config.eval_horizon,
                self.cfg.task,
            )
            self.write("open_loop", result)

        self._stage("open-loop prediction", self.json_path("open_loop"), work)

    def data_efficiency(self) -> None:
        from actjepa.benchmarks.experiments.data_efficiency import run_data_efficiency

        def work() -> None:
            base = self.eval_config((), self.cfg.sweep_episodes)
            settings = self.cfg.train.with_changes(steps=self.cfg.data_efficiency_steps)
            request = TrainRequest(data=self.data, out=self.workdir, settings=settings)
            result = run_data_efficiency(
                self.data,
                self.workdir / "data_efficiency",
                self.cfg.data_efficiency_demos,
                self.cfg.data_efficiency_seeds,
                base,
                request,
                progress=self.progress,
            )
            self.write("data_efficiency", result)

        if self.cfg.data_efficiency_demos:
            self._stage("data efficiency", self.json_path("data_efficiency"), work)

    def ablation(self) -> None:
        """The one-seed variant experiments: the planning-quality ablation and the regularizer sweep."""
        from actjepa.benchmarks.experiments.ablation import run_ablation
        from actjepa.benchmarks.experiments.regularizer_sweep import run_regularizer_sweep

        for name, enabled, run in (
            ("ablation", self.cfg.ablation, run_ablation),
            ("regularizer", self.cfg.regularizer_sweep, run_regularizer_sweep),
        ):
            if enabled:
                self._stage(name, self.json_path(name), partial(self._variants, name, run))

    def _variants(self, name: str, run: Callable[..., dict]) -> None:
        base = self.eval_config(self.cfg.eval.controllers, self.cfg.eval.episodes)
        request = TrainRequest(data=self.data, out=self.workdir, settings=self.cfg.train)
        result = run(self.data, self.workdir / name, base, request, progress=self.progress)
        self.write(name, result)

    def training_steps(self) -> None:
        from actjepa.benchmarks.experiments.training_steps import run_training_steps

        def work() -> None:
            base = self.eval_config(self.cfg.eval.controllers, self.cfg.eval.episodes)
            request = TrainRequest(data=self.data, out=self.workdir, settings=self.cfg.train)
            steps = self.cfg.training_steps
            result = run_training_steps(self.data, self.workdir / "steps", steps, base, request, self.progress)
            self.write("training_steps", result)

        if self.cfg.training_steps:
            self._stage("training steps", self.json_path("training_steps"), work)

    def regimes(self) -> None:
        from actjepa.benchmarks.experiments.regimes import write_regimes

        output = self.report_dir / "regimes" / f"{self.cfg.task}.json"
        if self.cfg.regimes:
            self._stage("regimes", output, lambda: write_regimes(self.cfg, self.workdir, output, self.progress))

    def figures(self) -> list[Path]:
        """Every figure that the available JSON results allow, and the first models' training plots."""
        from actjepa.benchmarks.reporting.figures import copy_training_plots, protocol_figures

        copy_training_plots({kind: self.run_dir(kind) for kind in ("jepa", "bc")}, self.report_dir)
        return protocol_figures(self.report_dir, self.cfg.task)

    def run(self) -> Path:
        """All stages in order, then the figures and the report page (nothing is created if a check fails)."""
        from actjepa.benchmarks.experiments.preflight import check_protocol

        check_protocol(self.cfg, (self.workdir, self.report_dir))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.report_dir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        if self.cfg.compare or self.cfg.ablation or self.cfg.regularizer_sweep or self.cfg.training_steps:
            self.collect()
        if self.cfg.compare:
            for seed in self.cfg.seeds:
                self.train("jepa", seed)
                if self.cfg.baseline:
                    self.train("bc", seed)
            self.compare_controllers()
            self.horizon_sweep()
            self.budget_sweep()
            self.open_loop()
            self.data_efficiency()
        self.ablation()
        self.training_steps()
        self.regimes()
        return self._finish(start)

    def _finish(self, start: float) -> Path:
        """Figures, protocol.json with the stage timings, and the report page."""
        self.figures()
        from actjepa.benchmarks.reporting.report import write_report_page

        total = time.perf_counter() - start
        record = {"protocol": self.cfg.record(), "stage_seconds": self.timings, "total_seconds": total}
        record["cpu_seconds"] = cpu_seconds()
        if self.started_at is not None:
            record["make_demo_seconds"] = time.time() - self.started_at
        self.write("protocol", {**record, **work_record(self.workdir)})
        return write_report_page(self.report_dir)
