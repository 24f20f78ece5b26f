"""Held-out open-loop prediction of several models, for the report."""

from __future__ import annotations

import numpy as np


def open_loop_comparison(
    models: dict[str, object], observations: np.ndarray, actions: np.ndarray, horizon: int, task: str
) -> dict:
    """Held-out open-loop latent error for each model against its own copy-last-latent baseline."""
    from actjepa.world_model.training.diagnostics import open_loop_error

    curves = {}
    for label, model in models.items():
        result = open_loop_error(model, observations, actions, horizon)
        curves[label] = {"model": list(map(float, result["model"])), "copy_last": list(map(float, result["copy_last"]))}
    return {"task": task, "horizon": horizon, "episodes": int(observations.shape[0]), "models": curves}
