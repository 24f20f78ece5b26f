"""`actjepa decoder`: fits a decoder that beats predicting the mean, writes files that load, refuses bad input."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from actjepa.envs.dataset import load_dataset
from actjepa.world_model import load_model
from actjepa.world_model.decoder.model import DECODER_INFO_FILE, load_decoder


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, point_mass_checkpoint, point_mass_data):
    """A copy of the point-mass checkpoint with a decoder fitted for 300 steps, and the command's output."""
    from tests.benchmarks.cli.conftest import invoke

    folder = tmp_path_factory.mktemp("decoder") / "run"
    shutil.copytree(point_mass_checkpoint, folder)
    args = ("--steps", "300", "--batch-size", "64", "--no-progress")
    code, _, _ = invoke("decoder", "--checkpoint", folder, "--data", point_mass_data, *args)
    assert code == 0
    return folder


def test_the_decoder_beats_predicting_the_mean_and_says_how_far_imagination_holds(fitted):
    report = json.loads((fitted / DECODER_INFO_FILE).read_text())
    held = report["heldout"]
    # the same error for always predicting the training mean (near 1 when held-out and training episodes spread alike)
    assert held["mean_baseline"] > 0.1
    assert held["observation_error"] < 0.25 * held["mean_baseline"]
    assert report["heldout_episodes"] == 1 and report["train_episodes"] == 5  # 6 episodes, 10% held out
    imagined = report["imagined"]
    assert imagined["steps"] == [1, 8, 16] and all(np.isfinite(imagined["observation_error"]))
    assert report["task"] == "point_mass" and report["config"]["steps"] == 300


def test_the_written_decoder_loads_back_and_decodes_the_data(fitted, point_mass_data):
    model, _ = load_model(fitted)
    decoder = load_decoder(fitted, model)
    data = load_dataset(point_mass_data)
    obs = data.observations.reshape(-1, 1, 4)
    with torch.no_grad():
        decoded, goals = decoder.decode(model.encode(obs))
    per_dim = ((decoded.numpy() - obs[:, 0]) ** 2).mean(0) / obs[:, 0].var(0)
    assert per_dim.mean() < 0.25  # close to the observations, not the mean
    assert np.abs(goals.numpy() - data.achieved_goals.reshape(-1, 2)).mean() < 0.05  # metres


def test_eval_draws_without_a_decoder_fitted_to_other_weights_and_says_so(fitted, tmp_path):
    from actjepa.benchmarks.cli.evaluate import _decoder_or_none
    from actjepa.world_model import save_checkpoint

    folder = tmp_path / "run"
    shutil.copytree(fitted, folder)
    model, info = load_model(folder)
    assert _decoder_or_none(folder, model) is not None
    with torch.no_grad():
        next(model.parameters()).add_(1.0)  # the model is trained on after the decoder was fitted
    save_checkpoint(folder, model, info["step"] + 1, info)
    with pytest.warns(UserWarning, match="videos without imagined frames: the decoder in .* was fitted to other"):
        assert _decoder_or_none(folder, model) is None
