"""Tasks registered the way a user's module would, with counters of the Gymnasium envs they create and close."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from actjepa import envs
from tests.envs.tiny_goal_env import TinyPointGoal
from tests.envs.tiny_goal_env import register as register_tiny_point


class EnvCounter:
    """Counts envs made by a factory and how many of them were closed."""

    def __init__(self, make) -> None:
        self.make, self.made = make, []

    def __call__(self):
        env = self.make()
        env.closed = False
        close = env.close

        def counted_close():
            env.closed = True
            close()

        env.close = counted_close
        self.made.append(env)
        return env

    def reset(self) -> None:
        self.made.clear()

    @property
    def open(self) -> int:
        return sum(not env.closed for env in self.made)


class SlideToGoal(gym.Env):
    """A 1-D point that moves by its action (no MuJoCo: the oracle cannot plan on it)."""

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


def register_slide(name: str, with_expert: bool = True) -> EnvCounter:
    """A non-MuJoCo task (optionally with a proportional expert); returns the counter of its envs."""
    counter = EnvCounter(SlideToGoal)
    expert = (lambda obs: np.clip(obs["desired_goal"] - obs["achieved_goal"], -0.1, 0.1)) if with_expert else None
    envs.register_task(
        name,
        counter,
        lambda env, goal: goal.copy(),
        success_radius=0.05,
        max_episode_steps=30,
        expert=expert,
        overwrite=True,
    )
    counter.reset()
    return counter


def register_point(name: str, render: bool = False, **options) -> EnvCounter:
    """The tiny MuJoCo point task (expert, oracle; a renderer when `render`); returns the counter of its envs."""
    counter = EnvCounter(lambda: TinyPointGoal(render_mode="rgb_array" if render else None))
    register_tiny_point(name, factory=counter, **options)
    counter.reset()
    return counter
