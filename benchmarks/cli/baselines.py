"""`actjepa baselines`: the zero and random actions on the episodes of an existing results.json."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BaselinesCommand:
    """Evaluate the controllers that read no model (zero, random) on a results.json's episodes; write baselines.json."""

    results: Path
    "A results.json written by `actjepa eval` or a protocol; baselines.json is written beside it."
    force: bool = False
    "Overwrite an existing baselines.json."

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.benchmarks.evaluation.baselines import BASELINES_FILE, evaluate_baselines
        from actjepa.benchmarks.io import read_json
        from actjepa.benchmarks.provenance import write_results_json
        from actjepa.benchmarks.reporting.tables import controllers_table

        guards.check_input_file(self.results, "--results")
        target = self.results.parent / BASELINES_FILE
        guards.check_output_file(target, self.force, flag="--results")
        payload = evaluate_baselines(read_json(self.results), self.results, progress=True)
        write_results_json(target, payload, "cpu")
        print(controllers_table(payload))
        print(f"wrote {target}")
