"""`actjepa reproduce ogbench`: one OGBench dataset under the official protocol, in one command."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.ogbench.suite import OGBenchSuite
from actjepa.planner import PlannerConfig


@dataclass(frozen=True)
class OGBenchCommand:
    """Reproduce an OGBench dataset: generate it, train ACT-JEPA and BC per seed, evaluate every controller on
    the five official tasks, write OUT/DATASET.json (reruns continue where they stopped)."""

    suite: OGBenchSuite = field(default_factory=OGBenchSuite)
    "The dataset, seeds, training, controllers and evaluation."
    out: Path = Path("results/ogbench")
    "Folder of the results file (DATASET.json); docs/results/ogbench holds the README's."
    force: bool = False
    "Replace an existing results file (models and kept evaluations are reused either way)."
    hidden: ClassVar[dict[type, tuple[str, ...]]] = {PlannerConfig: ("method", "action_low", "action_high")}
    "Set by each controller's name and by the task's action range, not by options."

    def run(self) -> None:
        from actjepa.benchmarks.io import ensure_writable, write_json_atomic
        from actjepa.benchmarks.ogbench.suite import check_suite, run_suite

        check_suite(self.suite)
        path = self.out / f"{self.suite.dataset}.json"
        ensure_writable(path, self.force)
        if self.out.exists() and not self.out.is_dir():
            raise UserError(f"--out {self.out} is a file; pass a folder")
        record = run_suite(self.suite)
        write_json_atomic(path, record)
        print(f"wrote {path}")
