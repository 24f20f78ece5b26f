"""Evaluations kept per controller beside a model, so that a rerun of a long variant experiment evaluates only
what it has not evaluated yet (a stopped run, or a controller added to a finished one)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.run import evaluate
from actjepa.benchmarks.io import write_json_atomic


def evaluate_kept(model: Any, info: dict, base: EvalConfig, folder: Path, context: str, progress: bool) -> dict:
    """results.json's `controllers` for base.controllers on this model.

    Each controller's entry is read from folder/evaluations when an earlier run saved it under the same key
    (the controller, the evaluation settings with that controller alone, and `context`, which names how the
    model was trained), else evaluated on its own and saved there. Evaluation is seeded per episode, so an
    entry evaluated alone equals the one evaluated beside other controllers."""
    controllers: dict[str, Any] = {}
    for name in base.controllers:
        cfg = replace(base, controllers=(name,))
        key = repr((name, cfg, context))
        path = Path(folder) / "evaluations" / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
        saved = json.loads(path.read_text()) if path.is_file() else {}
        if saved.get("key") != key:
            saved = {"key": key, "controllers": evaluate(model, info, cfg, progress=progress)["controllers"]}
            path.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomic(path, saved)
        controllers.update(saved["controllers"])
    return controllers
