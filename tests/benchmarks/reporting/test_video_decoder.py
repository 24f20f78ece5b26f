"""Videos with a decoder: a panel with the imagined frame, or the imagined goal on the plot for tasks that
cannot be drawn from an observation."""

from __future__ import annotations

from dataclasses import replace

import imageio.v2 as imageio
import numpy as np
import torch

from actjepa import envs
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.experiments.training import TrainRequest, TrainSettings, train_on_dataset
from actjepa.benchmarks.reporting.imagined import ImaginedView
from actjepa.benchmarks.reporting.video import record_videos
from actjepa.envs.experts import EXPERTS
from actjepa.envs.mujoco_env import MujocoGoalVecEnv
from actjepa.envs.registry import TaskEntry, add_entry
from actjepa.envs.tasks.point_mass import PointMassTask
from actjepa.planner import ControllerConfig, PlannerConfig
from actjepa.world_model import ActJepa, ModelConfig
from actjepa.world_model.decoder.model import DecoderConfig, LatentDecoder
from tests.benchmarks.cli.conftest import invoke
from tests.benchmarks.user_tasks import register_point

TINY_MODEL = dict(latent_dim=16, frame_dim=32, encoder_hidden=32, predictor_hidden=32, head_width=16, head_heads=2)
PLAN_OPTIONS = ("--num-samples", "16", "--horizon", "4", "--iterations", "1", "--replan-every", "2")


class ShortPointMass(PointMassTask):
    """point_mass with 12-step episodes, so a video has 12 frames."""

    spec = replace(PointMassTask.spec, name="short_point_mass", max_episode_steps=12)


def register_short_point_mass() -> None:
    build = lambda num_envs, obs_mode: MujocoGoalVecEnv(ShortPointMass(), num_envs, obs_mode)
    add_entry(TaskEntry(ShortPointMass.spec, build, expert=EXPERTS["point_mass"]), overwrite=True)


def run(*args) -> None:
    code, _, _ = invoke(*args)
    assert code == 0, args


def eval_videos(run_folder, out) -> dict[str, list[np.ndarray]]:
    """`actjepa eval --videos 1` of policy and mppi; the frames of each GIF."""
    controllers = ("--controller", "policy", "--controller", "mppi", "--episodes", "1", "--videos", "1")
    run("eval", "--checkpoint", run_folder, "--out", out, *controllers, *PLAN_OPTIONS)
    return {name: imageio.mimread(out / "videos" / f"{name}_episode0.gif") for name in ("policy", "mppi")}


def panel_centre(frame: np.ndarray, index: int, panels: int) -> np.ndarray:
    """A 20x20 crop at the centre of panel `index` of a frame of `panels` panels (matplotlib's default layout)."""
    width = 0.775 / (panels + 0.2 * (panels - 1))
    x = int(frame.shape[1] * (0.125 + index * 1.2 * width + width / 2))
    y = int(frame.shape[0] * (1 - (0.11 + 0.88) / 2))
    return frame[y - 10 : y + 10, x - 10 : x + 10, :3].astype(float)


def test_eval_videos_gain_an_imagined_panel_with_a_decoder(tmp_path):
    register_short_point_mass()
    data, run_folder = tmp_path / "short.h5", tmp_path / "run"
    run("collect", "--task", "short_point_mass", "--episodes", "8", "--out", data, "--no-progress")
    request = TrainRequest(data=data, out=run_folder, settings=TrainSettings().with_changes(steps=10, batch_size=16))
    train_on_dataset(request, progress=False, model_overrides=TINY_MODEL, train_overrides={"rollout_horizon": 4})
    plain = eval_videos(run_folder, tmp_path / "plain")
    decoder_options = ("--steps", "150", "--batch-size", "32", "--rollout-steps", "1", "4", "--no-progress")
    run("decoder", "--checkpoint", run_folder, "--data", data, *decoder_options)
    imagined = eval_videos(run_folder, tmp_path / "imagined")

    for name in ("policy", "mppi"):
        before, after = plain[name], imagined[name]
        assert len(before) == len(after) == 12
        assert after[0].shape[0] == before[0].shape[0]
        assert after[0].shape[1] - before[0].shape[1] == 200  # one more panel of 2.5 inches at 80 dpi
        for frame in after:  # the imagined panel holds a point_mass scene like the real one, not a blank note
            real, dream = panel_centre(frame, 0, 4), panel_centre(frame, 1, 4)
            assert dream.mean() < 150 and np.abs(real.mean(axis=(0, 1)) - dream.mean(axis=(0, 1))).max() < 40


def red_pixels(frame: np.ndarray) -> int:
    """Pixels of the imagined-goal marker (tab:red) in the path plot, the right quarter of a 3-panel frame."""
    plot = frame[:, frame.shape[1] * 3 // 4 :, :3].astype(int)
    return int(np.sum((plot[..., 0] > 150) & (plot[..., 1] < 90) & (plot[..., 2] < 90)))


def test_a_task_not_drawable_from_an_observation_gets_the_imagined_goal_on_its_plot(tmp_path):
    register_point("imagined_point", render=True, max_episode_steps=6)
    torch.manual_seed(0)
    cfg = ModelConfig(obs_shape=(4,), action_dim=2, **TINY_MODEL)
    stats = {"obs_mean": np.zeros(4), "obs_std": np.ones(4), "action_mean": np.zeros(2), "action_std": np.ones(2)}
    model = ActJepa(cfg, stats).eval()
    goal_stats = {"goal_mean": torch.zeros(2), "goal_std": torch.full((2,), 1e-4)}  # decodes to about (0, 0)
    obs_stats = {"obs_mean": model.obs_mean, "obs_std": model.obs_std}
    decoder = LatentDecoder(cfg, DecoderConfig(hidden=16), {**obs_stats, **goal_stats}).eval()
    control = ControllerConfig(planner=PlannerConfig(num_samples=16, horizon=4, iterations=1), replan_every=2)
    evaluation = EvalConfig(controllers=("mppi",), episodes=1, batch_size=1, control=control)
    info = {"task": "imagined_point", "obs_mode": "state"}

    plain = imageio.mimread(record_videos(model, info, evaluation, tmp_path / "plain", count=1)[0])
    marked = imageio.mimread(record_videos(model, info, evaluation, tmp_path / "dec", count=1, decoder=decoder)[0])

    assert len(plain) == len(marked) == 6 and plain[0].shape == marked[0].shape  # no panel of its own
    assert all(red_pixels(frame) == 0 for frame in plain)
    assert all(red_pixels(frame) > 10 for frame in marked)


def test_the_oracle_imagines_nothing_and_says_so():
    register_point("imagined_oracle_point", render=True, max_episode_steps=4)
    with envs.make("imagined_oracle_point", num_envs=2) as env:
        panels = ImaginedView(None, None, env, "oracle").at_step(controller=None)
    assert [p.image for p in panels] == [None, None] and all("the oracle plans" in p.note for p in panels)
