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
