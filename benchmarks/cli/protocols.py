"""`actjepa demo`, `actjepa reproduce` and `actjepa report`: whole protocols and their report."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import tyro

from actjepa.benchmarks.experiments.protocols import PROTOCOLS, ProtocolConfig, protocol

PROTOCOL_HELP = (
    f"Protocol to run: {', '.join(PROTOCOLS)} (what each runs: PROTOCOLS in benchmarks/experiments/protocols.py)."
)
"The --protocol help, listing the registry's protocols (a field docstring could not follow the registry)."


def _fresh(paths: list[Path], force: bool) -> None:
    if force:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class DemoCommand:
    """Collect reacher data, train ACT-JEPA and BC, compare every controller, sweep the horizon, write a report."""

    workdir: Path = Path("runs/demo")
    "Folder for data and checkpoints."
    report: Path = Path("report")
    "Folder for the JSON results, figures and index.md."
    device: str = "cpu"
    "cpu or cuda."
    force: bool = False
    "Start over instead of continuing an interrupted demo."
    started_at: float | None = None
    (
        "Unix time at which the calling `make demo` started (the Makefile passes it), so that protocol.json records "
        "the demo's whole wall time, set-up included."
    )

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.benchmarks.experiments.pipeline import Pipeline
        from actjepa.benchmarks.experiments.preflight import check_protocol

        cfg = protocol("demo", device=self.device)
        check_protocol(cfg, (self.workdir, self.report))
        guards.check_protocol(cfg, self.workdir, self.report, self.force)
        _fresh([self.workdir, self.report], self.force)
        pipeline = Pipeline(cfg, self.workdir, self.report)
        pipeline.started_at = self.started_at
        page = pipeline.run()
        print(f"report: {page}")


@dataclass(frozen=True)
class ReproduceCommand:
    """Run a protocol on one task: `full` = comparison, horizon and budget sweeps, data efficiency, open loop."""

    task: str
    "Task whose protocol to run."
    protocol: Annotated[str, tyro.conf.arg(help=PROTOCOL_HELP)] = "full"
    workdir: Path | None = None
    "Folder for data and checkpoints (default runs/PROTOCOL-TASK)."
    report: Path | None = None
    "Folder for results and figures (default results/TASK)."
    preset: str | None = None
    "Training preset of every model instead of the protocol's: 'default' (planning quality) or 'demo' (quick)."
    steps: int | None = None
    "Override the training steps of every model."
    batch_size: int | None = None
    "Windows per training step instead of the preset's (pixel training encodes every frame of every window)."
    image_shift: int | None = None
    "Random-shift augmentation of pixel training windows, in pixels, instead of the preset's (--obs pixels)."
    obs_noise: float | None = None
    "Gaussian noise on the normalised context states of training windows, its std, instead of the preset's."
    baseline: bool | None = None
    "Train the behaviour-cloning baseline and compare it, or not (None keeps the protocol's choice)."
    device: str = "cpu"
    "cpu or cuda."
    force: bool = False
    "Start over instead of continuing."
    regimes: tuple[str, ...] | None = None
    "Regimes to run instead of the protocol's (benchmarks/experiments/regimes.py), e.g. --regimes expert play."
    seeds: tuple[int, ...] | None = None
    "Training seeds instead of the protocol's (below 2**31; the evaluation episodes' seeds start there)."
    obs: str | None = None
    "Observations instead of the protocol's: 'state' vectors or 64x64 'pixels' (goals are then images too)."
    controllers: tuple[str, ...] | None = None
    "Controllers of the comparison instead of the protocol's, e.g. --controllers policy mppi+prior oracle."
    demos: tuple[int, ...] | None = None
    "Demonstration counts of the data-efficiency experiment instead of the protocol's, e.g. --demos 25 50."
    budgets: tuple[int, ...] | None = None
    "Sample counts N of the sample-budget sweep instead of the protocol's, e.g. --budgets 64 256 1024."
    split: str | None = None
    (
        "Held-out episodes of every evaluation instead of the protocol's: 'validation' (choosing settings) or "
        "'test' (reported numbers)."
    )

    def config(self) -> ProtocolConfig:
        """The named protocol with this command's choices in place of its own."""
        cfg = protocol(self.protocol, task=self.task, train_steps=self.steps, device=self.device)
        chosen = {
            "regimes": self.regimes,
            "seeds": self.seeds,
            "obs_mode": self.obs,
            "baseline": self.baseline,
            "data_efficiency_demos": self.demos,
            "budgets": self.budgets,
        }
        cfg = replace(cfg, **{k: v for k, v in chosen.items() if v is not None})
        trained = {
            "preset": self.preset,
            "batch_size": self.batch_size,
            "image_shift": self.image_shift,
            "obs_noise": self.obs_noise,
        }
        cfg = replace(cfg, train=replace(cfg.train, **{k: v for k, v in trained.items() if v is not None}))
        evaluated = {"controllers": self.controllers, "split": self.split}
        return replace(cfg, eval=replace(cfg.eval, **{k: v for k, v in evaluated.items() if v is not None}))

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.benchmarks.experiments.pipeline import Pipeline
        from actjepa.benchmarks.experiments.preflight import check_protocol

        cfg = self.config()
        workdir = self.workdir or Path(f"runs/{self.protocol}-{self.task}")
        report = self.report or Path(f"results/{self.task}")
        check_protocol(cfg, (workdir, report))  # before any folder is created or removed
        guards.check_protocol(cfg, workdir, report, self.force)  # writable folders, --force, memory and time
        _fresh([workdir, report], self.force)
        page = Pipeline(cfg, workdir, report).run()
        print(f"report: {page}")


@dataclass(frozen=True)
class ReportCommand:
    """Regenerate index.md (and optionally the README's results block) from results JSON."""

    folder: Path = Path("report")
    "Folder with the JSON results of a protocol run."
    readme: Path | None = None
    (
        "Also rewrite the generated blocks of this Markdown file: the full results (the results page, e.g. "
        "docs/results.md) and the headline table linking to that page (the README)."
    )

    def run(self) -> None:
        from actjepa.benchmarks.cli.report_checks import check_readme, check_results_folder
        from actjepa.benchmarks.reporting.report import update_markdown, write_report_page

        check_results_folder(self.folder)
        if self.readme is not None:
            check_readme(self.readme)
        page = write_report_page(self.folder)
        print(f"wrote {page}")
        if self.readme is not None:
            blocks = update_markdown(self.readme, self.folder)
            print(f"updated the {' and '.join(blocks)} block{'s' if len(blocks) > 1 else ''} of {self.readme}")
