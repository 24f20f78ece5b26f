"""A tiny Gymnasium goal env plugs in through envs.register_task."""

import gymnasium as gym
import numpy as np
import pytest

from actjepa import envs


class SlideToGoal(gym.Env):
    """A 1-D point that moves by its action; the goal is a position."""

    def __init__(self):
        box = gym.spaces.Box(-2.0, 2.0, shape=(1,), dtype=np.float64)
        self.observation_space = gym.spaces.Dict({"observation": box, "achieved_goal": box, "desired_goal": box})
        self.action_space = gym.spaces.Box(-0.1, 0.1, shape=(1,), dtype=np.float64)

    def _obs(self):
        return {"observation": self.x.copy(), "achieved_goal": self.x.copy(), "desired_goal": self.goal.copy()}

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.x, self.goal = self.np_random.uniform(-1, 1, size=1), self.np_random.uniform(-1, 1, size=1)
        return self._obs(), {}

    def step(self, action):
        self.x = self.x + np.clip(action, -0.1, 0.1)
        return self._obs(), 0.0, False, False, {}


@pytest.fixture(scope="module")
def slide_spec():
    return envs.register_task(
        "slide",
        SlideToGoal,
        lambda env, goal: goal.copy(),
        lambda achieved, desired: np.abs(achieved - desired)[:, 0] < 0.05,
        success_radius=0.05,
        max_episode_steps=30,
        overwrite=True,
    )


def test_registered_adapter_task(slide_spec):
    assert "slide" in envs.task_names()
    assert envs.task_spec("slide") == slide_spec
    assert (slide_spec.obs_shape, slide_spec.action_dim, slide_spec.goal_dim) == ((1,), 1, 1)
    env = envs.make("slide", num_envs=3)
    obs = env.reset([0, 1, 2])
    np.testing.assert_allclose(obs["goal_observation"], obs["desired_goal"])
    assert not np.array_equal(obs["desired_goal"][0], obs["desired_goal"][1])
    for _ in range(env.max_episode_steps):  # a proportional controller solves it
        action = np.clip(env.desired_goal - obs["achieved_goal"], -0.1, 0.1)
        obs, reward, terminated, truncated, info = env.step(action)
    assert info["success"].all() and truncated.all() and not terminated.any()
    np.testing.assert_allclose(reward, -info["goal_distance"])
    again = envs.make("slide", num_envs=3).reset([0, 1, 2])
    assert np.array_equal(again["desired_goal"], env.reset([0, 1, 2])["desired_goal"])


def test_task_modules_from_environment(tmp_path):
    """ACTJEPA_TASK_MODULES makes an adapter task visible to a fresh process (e.g. the CLI)."""
    import os
    import subprocess
    import sys

    (tmp_path / "my_tasks.py").write_text(
        "import numpy as np, envs\n"
        "from tests_slide import SlideToGoal\n"
        "envs.register_task('slide', SlideToGoal, lambda env, g: g.copy(), success_radius=0.05,"
        " max_episode_steps=20)\n"
    )
    (tmp_path / "tests_slide.py").write_text(
        "import gymnasium as gym, numpy as np\n" + __import__("inspect").getsource(SlideToGoal)
    )
    env = {
        **os.environ,
        "ACTJEPA_TASK_MODULES": "my_tasks",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
    }
    code = (
        "from actjepa import envs; from actjepa.envs.collect import collect; "
        "from actjepa.envs.dataset import load_dataset;"
        f"d = load_dataset(collect('slide', 'play', episodes=3, out=r'{tmp_path / 's.h5'}', progress=False));"
        "print(envs.task_names()[-1], d.observations.shape)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["slide", "(3,", "21,", "1)"]
