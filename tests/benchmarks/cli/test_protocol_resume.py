"""reproduce/demo continue an interrupted training stage from its checkpoint instead of refusing the folder."""

from __future__ import annotations

import shutil

from actjepa.benchmarks.experiments.pipeline import Pipeline
from actjepa.benchmarks.experiments.protocols import protocol


def test_an_interrupted_training_stage_resumes(tmp_path, point_mass_checkpoint):
    """Before, the rerun failed with 'pass --resume', an option reproduce does not have."""
    pipeline = Pipeline(protocol("demo", task="point_mass"), tmp_path / "w", tmp_path / "r", progress=False)
    assert not pipeline.train_request("jepa").resume
    shutil.copytree(point_mass_checkpoint, pipeline.run_dir("jepa"))
    assert pipeline.train_request("jepa").resume
    assert not pipeline.train_request("bc").resume
