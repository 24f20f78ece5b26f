"""Runs of consecutive windows: the same losses as the windows drawn alone, for a fraction of the encoding.

A run of G windows of one episode shares all but G-1 of its frames; a step encodes each frame once and hands
each window its latents. Everything a loss reads must be what the windows alone would give.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actjepa.world_model import ActJepa
from actjepa.world_model.core.objective import compute_losses
from actjepa.world_model.errors import WorldModelError
from tests.world_model.conftest import tiny_config, tiny_train
from tests.world_model.synthetic import make_episodes, norm_stats

RUN, RUNS, FUTURE = 4, 3, 6


def _run_batch(data: dict, k: int) -> dict[str, torch.Tensor]:
    """RUNS runs of RUN windows (k + FUTURE frames each) from the first episodes, one goal per window."""
    length = k + FUTURE + RUN - 1
    windows = RUNS * RUN
    return {
        "obs": torch.as_tensor(data["observations"][:RUNS, 1 : 1 + length]),
        "actions": torch.as_tensor(data["actions"][:RUNS, 1:length]),
        "goal_obs": torch.as_tensor(data["observations"][np.arange(windows) % 5, -1]),
        "goal_steps": torch.arange(windows) % 7 + 1,
    }


def _windows_alone(batch: dict[str, torch.Tensor], k: int) -> dict[str, torch.Tensor]:
    """The same windows as rows of their own (a run of one each)."""
    length = k + FUTURE
    obs = torch.stack([batch["obs"][:, i : i + length] for i in range(RUN)], dim=1).flatten(0, 1)
    actions = torch.stack([batch["actions"][:, i : i + length - 1] for i in range(RUN)], dim=1).flatten(0, 1)
    return {**batch, "obs": obs, "actions": actions}


@pytest.mark.parametrize(("pixels", "baseline", "stride"), [(True, "none", 1), (True, "bc", 1), (False, "none", 3)])
def test_a_run_gives_the_losses_of_its_windows_drawn_alone(pixels, baseline, stride):
    data = make_episodes(6, 24, seed=4, pixels=pixels)
    torch.manual_seed(0)
    model = ActJepa(tiny_config(pixels=pixels, value_hidden=8, baseline=baseline), norm_stats(data))
    settings = tiny_train(rollout_horizon=FUTURE, target_stride=stride).loss
    run = _run_batch(data, model.context_len)
    alone = _windows_alone(run, model.context_len)
    got = compute_losses(model, run, settings, torch.Generator().manual_seed(1))
    want = compute_losses(model, alone, settings, torch.Generator().manual_seed(1))
    for name in want.parts:
        torch.testing.assert_close(got.parts[name], want.parts[name], rtol=1e-5, atol=1e-6, msg=name)
    model.zero_grad()
    got.total.backward()
    grads = [p.grad.clone() for p in model.parameters() if p.grad is not None]
    model.zero_grad()
    want.total.backward()
    for mine, theirs in zip(grads, [p.grad for p in model.parameters() if p.grad is not None], strict=True):
        torch.testing.assert_close(mine, theirs, rtol=1e-4, atol=1e-6)


def test_a_run_embeds_each_frame_once():
    data = make_episodes(6, 24, seed=4, pixels=True)
    model = ActJepa(tiny_config(pixels=True), norm_stats(data))
    k, windows = model.context_len, RUNS * RUN
    run = _run_batch(data, k)
    settings = tiny_train(rollout_horizon=FUTURE).loss
    embedded = []
    for embedder in (model.encoder.frame, model.target_encoder.frame):
        embedder.register_forward_hook(lambda module, args, out: embedded.append(out.flatten(0, -2).shape[0]))
    for batch in (run, _windows_alone(run, k)):
        compute_losses(model, batch, settings, torch.Generator().manual_seed(1))
    run_frames = RUNS * (k + FUTURE + RUN - 1) + RUNS * (k + RUN - 1) + windows  # targets, contexts, goals
    assert embedded == [RUNS * (k + RUN - 1), windows, RUNS * (k + FUTURE + RUN - 1), windows * k, windows,
                        windows * (k + FUTURE)]  # fmt: skip
    assert sum(embedded[:3]) == run_frames < 0.5 * sum(embedded[3:])


def test_runs_refuse_what_they_cannot_do():
    with pytest.raises(WorldModelError, match="windows_per_run must be at least 1 and divide --batch-size 32, got 5"):
        tiny_train(windows_per_run=5)
    data = make_episodes(6, 24, seed=4)
    model = ActJepa(tiny_config(), norm_stats(data))
    with pytest.raises(WorldModelError, match="obs_noise perturbs each window's own context"):
        compute_losses(model, _run_batch(data, 1), tiny_train(obs_noise=0.1).loss, torch.Generator())
