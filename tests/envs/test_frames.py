"""Rendering is reported truthfully; scene frames come from the built-in renderer or the env's render()."""

import numpy as np

from actjepa import envs
from actjepa.envs.dataset import EpisodeDataset
from actjepa.envs.frames import RenderSupport, observation_frames, render_support, scene_frames
from actjepa.envs.summary import dataset_summary, task_table
from tests.envs.tiny_goal_env import TinyPointGoal, register


def test_render_support_is_truthful():
    register("tiny_point")
    register("tiny_video", factory=lambda: TinyPointGoal(render_mode="rgb_array"))
    assert render_support("reacher") == RenderSupport(True, True, "")
    plain = render_support("tiny_point")
    assert not plain.pixel_observations and not plain.scene_frames and "render_mode='rgb_array'" in plain.reason
    assert render_support("tiny_video") == RenderSupport(False, True, "")
    rows = {line.split()[0]: line.split() for line in task_table().splitlines()[2:-1]}
    assert rows["tiny_point"][5:9] == ["no", "no", "yes", "yes"]
    assert rows["tiny_video"][5:9] == ["no", "yes", "yes", "yes"]
    assert rows["maze"][5:9] == ["yes", "yes", "yes", "yes"]


def test_scene_frames_from_the_envs_own_render():
    register("tiny_video", factory=lambda: TinyPointGoal(render_mode="rgb_array"))
    with envs.make("tiny_video", num_envs=2) as env:
        env.reset([0, 1])
        first, reason = scene_frames(env)
        assert reason == "" and first.shape == (2, 32, 32, 3) and first.dtype == np.uint8
        np.testing.assert_array_equal(first[1], env.envs[1].render())
        for _ in range(10):
            env.step(np.ones((2, 2)))
        later, _ = scene_frames(env)
    assert not np.array_equal(first, later)  # the mass moved in the picture


def test_no_frames_without_a_renderer_and_builtin_frames():
    register("tiny_point")
    with envs.make("tiny_point", num_envs=1) as env:
        env.reset([0])
        assert scene_frames(env) == (None, render_support("tiny_point").reason)
    with envs.make("point_mass", num_envs=2) as env:
        env.reset([0, 1])
        frames, reason = scene_frames(env)
    assert reason == "" and frames.shape == (2, 64, 64, 3) and not np.array_equal(frames[0], frames[1])


def test_inspect_shows_noise_only_for_expert_data():
    data = EpisodeDataset(
        np.zeros((1, 3, 2), np.float32),
        np.zeros((1, 2, 1), np.float32),
        np.zeros((1, 2)),
        np.zeros((1, 1)),
        np.zeros((1, 3, 1)),
        np.zeros((1, 3), bool),
        np.zeros(1, np.int64),
    )
    base = {"task": "t", "obs_mode": "state", "noise": 0.1, "seed": 3, "schema_version": 1, "package_version": "x"}
    assert "noise 0.1" in dataset_summary(EpisodeDataset(**{**vars(data), "meta": {**base, "source": "expert"}}), "f")
    play = dataset_summary(EpisodeDataset(**{**vars(data), "meta": {**base, "source": "play"}}), "f")
    assert "noise" not in play and "play  (seed 3)" in play
    imported = {
        **base,
        "source": "import",
        "import_format": "npz",
        "import_source": "/d/a.npz",
        "imported_at": "2026-01-01T00:00:00+00:00",
    }
    text = dataset_summary(EpisodeDataset(**{**vars(data), "meta": imported}), "f")
    assert "import  (npz /d/a.npz, 2026-01-01T00:00:00+00:00)" in text and "noise" not in text


def test_observation_frames_draw_what_an_observation_describes():
    """A state observation drawn through observation_frames is the scene it was read from, for every built-in."""
    for task in ("reacher", "point_mass", "maze", "push"):
        with envs.make(task, num_envs=3) as env:
            env.reset([0, 1, 2])
            rng = np.random.default_rng(0)
            for _ in range(15):
                env.step(rng.uniform(env.action_low, env.action_high, size=(3, env.action_dim)))
            drawn, reason = observation_frames(env, env.observe()["observation"])
            scene, _ = scene_frames(env)
            assert reason == "" and drawn.shape == scene.shape and drawn.dtype == np.uint8
            # float32 observations move a body by < 1e-7: at most a pixel on an edge may differ
            assert np.mean(np.any(drawn != scene, axis=-1)) < 0.002, task
            elsewhere = observation_frames(env, env.observe()["observation"][::-1])[0]
            assert not np.array_equal(elsewhere, drawn), task  # other observations, other pictures


def test_observation_frames_say_when_a_task_cannot_be_drawn_from_an_observation():
    register("tiny_video", factory=lambda: TinyPointGoal(render_mode="rgb_array"))
    with envs.make("tiny_video", num_envs=1) as env:
        env.reset([0])
        frames, reason = observation_frames(env, env.observe()["observation"])
    assert frames is None and reason == "task 'tiny_video' cannot be drawn from an observation"
