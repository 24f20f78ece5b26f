"""The figures of a protocol's report folder, drawn from whichever results JSON it holds."""

from __future__ import annotations

import shutil
from pathlib import Path

from actjepa.benchmarks.io import read_json
from actjepa.benchmarks.reporting import plots

TRAINING_FILES = ("loss_curves.png", "embedding_health.png", "calibration.png", "calibration.json")
"Training outputs copied from a checkpoint folder into the report (prefixed with the model kind)."


def copy_training_plots(run_dirs: dict[str, Path], out: Path) -> None:
    """Copy each model kind's training plots and calibration next to the results."""
    for kind, folder in run_dirs.items():
        for name in TRAINING_FILES:
            if (folder / name).exists():
                shutil.copyfile(folder / name, out / f"{kind}_{name}")


def protocol_figures(out: Path, task: str) -> list[Path]:
    """Every figure that the JSON results in `out` allow."""
    made = []
    if (out / "horizon.json").exists():
        made.append(
            plots.sweep_plot(
                read_json(out / "horizon.json"),
                "horizon",
                "planning horizon H",
                out / "horizon.png",
                "Success against planning horizon",
            )
        )
    if (out / "results.json").exists():
        made.append(plots.controllers_plot({task: read_json(out / "results.json")}, out / "controllers.png"))
    if (out / "budget.json").exists():
        made.append(
            plots.sweep_plot(
                read_json(out / "budget.json"),
                "num_samples",
                "samples N",
                out / "budget.png",
                "Success against sample budget",
            )
        )
    if (out / "data_efficiency.json").exists():
        made.append(plots.data_efficiency_plot(read_json(out / "data_efficiency.json"), out / "data_efficiency.png"))
    if (out / "open_loop.json").exists():
        made.append(plots.open_loop_plot(read_json(out / "open_loop.json"), out / "open_loop.png"))
    if (out / "regimes" / f"{task}.json").exists():
        from actjepa.benchmarks.reporting.regimes import regimes_plot

        made.append(regimes_plot(read_json(out / "regimes" / f"{task}.json"), out / "regimes" / f"{task}.png"))
    if (out / "training_steps.json").exists():
        made.append(plots.training_steps_plot(read_json(out / "training_steps.json"), out / "training_steps.png"))
    return made
