"""`actjepa demo`, `actjepa reproduce` and `actjepa report`: whole protocols and their report."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, ClassVar

import tyro

from actjepa.benchmarks.experiments.protocols import PROTOCOLS, ProtocolConfig, protocol
from actjepa.planner import PlannerConfig
from actjepa.world_model.training.config import preset

PROTOCOL_HELP = (
    f"Named protocol whose settings are the defaults: {', '.join(PROTOCOLS)} (what each runs: PROTOCOLS in "
    "benchmarks/experiments/protocols.py)."
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
    """Run a protocol on one task: `full` = comparison, horizon and budget sweeps, data efficiency, open loop.

    Every option's default is the chosen --protocol's setting (its training the --preset's when one is given).
    """

    settings: Annotated[ProtocolConfig, tyro.conf.arg(name="")]
    """The protocol's settings; the evaluation runs on the training --device unless --eval.control.device says
    otherwise."""
    protocol: Annotated[str, tyro.conf.arg(help=PROTOCOL_HELP)] = "full"
    workdir: Path | None = None
    "Folder for data and checkpoints (default runs/PROTOCOL-TASK)."
    report: Path | None = None
    "Folder for results and figures (default results/TASK)."
    force: bool = False
    "Start over instead of continuing."

    KEEP_PREFIXES: ClassVar[bool] = True
    "The evaluation's options keep their `eval.` prefix (its batch size, seed and device are not training's)."
    hidden: ClassVar[dict[type, tuple[str, ...]]] = {PlannerConfig: ("method", "action_low", "action_high")}
    "Set by each controller's name and by the task's action range, not by options."

    @classmethod
    def option_defaults(cls, args: list[str]) -> ReproduceCommand:
        """The chosen --protocol (full without one), its training the --preset's if given, the task required."""
        from actjepa.benchmarks.cli.parsing import option_value

        name = option_value(args, "--protocol") or "full"
        cfg = protocol(name)
        chosen = option_value(args, "--preset")
        if chosen is not None:
            cfg = replace(cfg, train=replace(cfg.train, preset=chosen, config=preset(chosen)))
        return cls(replace(cfg, task=tyro.MISSING), protocol=name)

    def config(self) -> ProtocolConfig:
        """The protocol to run: the parsed settings, evaluated on the training device unless told otherwise."""
        if self.settings.eval.control.device is not None:
            return self.settings
        return self.settings.with_device(self.settings.train.config.device)

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.benchmarks.experiments.pipeline import Pipeline
        from actjepa.benchmarks.experiments.preflight import check_protocol

        cfg = self.config()
        workdir = self.workdir or Path(f"runs/{self.protocol}-{cfg.task}")
        report = self.report or Path(f"results/{cfg.task}")
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
