"""Videos of adapter tasks: frames from the env's own render(), or one line saying why there are none."""

import imageio.v2 as imageio

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.reporting.video import record_videos
from actjepa.planner import ControllerConfig, PlannerConfig
from tests.benchmarks.user_tasks import register_point

SMALL = ControllerConfig(planner=PlannerConfig(num_samples=16, horizon=4, iterations=1))


def test_adapter_task_videos_come_from_its_render(tmp_path):
    counter = register_point("video_point", render=True, max_episode_steps=6)
    cfg = EvalConfig(controllers=("oracle",), episodes=1, batch_size=1, control=SMALL)
    written = record_videos(None, {"task": "video_point", "obs_mode": "state"}, cfg, tmp_path, count=2)
    assert [p.name for p in written] == ["oracle_episode0.gif", "oracle_episode1.gif"]
    frames = imageio.mimread(written[0])
    assert len(frames) == 6 and frames[0].shape[2] == 3  # one frame per step of the task's episode
    assert len(counter.made) == 2 and counter.open == 0


def test_task_without_renderer_says_so_once_and_writes_nothing(tmp_path, capsys):
    counter = register_point("video_blind")
    cfg = EvalConfig(controllers=("oracle", "policy"), episodes=1, batch_size=1, control=SMALL)
    assert record_videos(None, {"task": "video_blind", "obs_mode": "state"}, cfg, tmp_path, count=1) == []
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "no videos: task 'video_blind' has no renderer: make its Gymnasium env with "
        "render_mode='rgb_array' in the factory passed to envs.register_task to get videos"
    ]
    assert list(tmp_path.iterdir()) == [] and counter.made == []


def test_drawing_videos_shows_its_progress_per_controller(tmp_path, capsys):
    """After the last controller's summary, `eval --videos` drew for minutes without a line of output."""
    register_point("video_progress", render=True, max_episode_steps=6)
    cfg = EvalConfig(controllers=("oracle", "zero"), episodes=1, batch_size=1, control=SMALL)
    record_videos(None, {"task": "video_progress", "obs_mode": "state"}, cfg, tmp_path, count=1)
    err = capsys.readouterr().err
    assert "videos of 1 episodes" in err and "oracle" in err and "zero" in err
    assert "12/12" in err  # every step of both controllers' episodes advanced the bar


def test_the_frame_title_clears_every_panel_label():
    """The title was drawn over the goal panel's label ("goal observation")."""
    import matplotlib.pyplot as plt
    import numpy as np

    from actjepa.benchmarks.reporting.video import Panels, frame_figure

    scene = np.zeros((64, 64, 3), dtype=np.uint8)
    panels = Panels(scene, None, np.zeros((3, 2)), None, np.zeros(2))  # an adapter task: the goal is a state vector
    fig = frame_figure(panels, 0.05, "reacher · mppi+prior · step 80", (-1.0, 1.0, -1.0, 1.0))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title = fig._suptitle.get_window_extent(renderer)
    labels = [ax.title.get_window_extent(renderer) for ax in fig.axes if ax.get_title()]
    assert len(labels) == 2 and not any(title.overlaps(label) for label in labels)
    assert title.y0 > max(label.y1 for label in labels)  # above them, not beside
    plt.close(fig)
