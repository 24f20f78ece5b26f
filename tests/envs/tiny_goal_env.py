"""A tiny MuJoCo goal env written as a plain gymnasium.Env (no actjepa code), for adapter tests.

A damped point mass on two slide joints; the achieved goal is a site on the mass
(so it needs mj_forward), the desired goal a point in the plane.
"""

import gymnasium as gym
import mujoco
import numpy as np

XML = """
<mujoco>
  <option timestep="0.01"/>
  <worldbody>
    <camera name="top" pos="0 0 1.2"/>
    <body name="mass">
      <joint name="x" type="slide" axis="1 0 0" damping="2"/>
      <joint name="y" type="slide" axis="0 1 0" damping="2"/>
      <geom type="sphere" size="0.05" mass="0.2" contype="0" conaffinity="0" rgba="1 0 0 1"/>
      <site name="tip" pos="0.05 0 0" size="0.01"/>
    </body>
  </worldbody>
  <actuator>
    <motor joint="x" ctrlrange="-1 1" ctrllimited="true"/>
    <motor joint="y" ctrlrange="-1 1" ctrllimited="true"/>
  </actuator>
</mujoco>
"""
TIP_OFFSET = np.array([0.05, 0.0])


class TinyPointGoal(gym.Env):
    """Reach a 2-D goal with the tip of a point mass; actions are the two motor controls."""

    metadata = {"render_modes": ["rgb_array"]}
    frame_skip = 5

    def __init__(self, render_mode=None, action_gain: float = 1.0):
        self.model = mujoco.MjModel.from_xml_string(XML)
        self.data = mujoco.MjData(self.model)
        self.render_mode, self.action_gain, self._renderer = render_mode, action_gain, None
        box = gym.spaces.Box(-np.inf, np.inf, shape=(2,), dtype=np.float64)
        self.observation_space = gym.spaces.Dict(
            {
                "observation": gym.spaces.Box(-np.inf, np.inf, shape=(4,), dtype=np.float64),
                "achieved_goal": box,
                "desired_goal": box,
            }
        )
        self.action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        self.goal = np.zeros(2)

    def _get_obs(self):
        tip = self.data.site("tip").xpos[:2].copy()
        state = np.concatenate([self.data.qpos, self.data.qvel]).copy()
        return {"observation": state, "achieved_goal": tip, "desired_goal": self.goal.copy()}

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        mujoco.mj_resetData(self.model, self.data)
        self.data.qpos[:] = self.np_random.uniform(-0.3, 0.3, size=2)
        self.goal = self.np_random.uniform(-0.3, 0.3, size=2)
        mujoco.mj_forward(self.model, self.data)
        return self._get_obs(), {}

    def step(self, action):
        self.data.ctrl[:] = self.action_gain * np.asarray(action, dtype=np.float64)
        mujoco.mj_step(self.model, self.data, nstep=self.frame_skip)
        obs = self._get_obs()
        return obs, float(self.compute_reward(obs["achieved_goal"], self.goal, {})), False, False, {}

    def compute_reward(self, achieved_goal, desired_goal, info):
        return -np.linalg.norm(np.asarray(achieved_goal) - desired_goal, axis=-1)

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        if self._renderer is None:
            self._renderer = mujoco.Renderer(self.model, 32, 32)
        self._renderer.update_scene(self.data, camera="top")
        return self._renderer.render()

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


def goal_observation(env, goal):
    """The observation of the mass at rest with its tip on the goal."""
    return np.concatenate([goal - TIP_OFFSET, np.zeros(2)])


def expert(obs):
    """PD on the tip towards the goal: a batch of goal dicts -> actions (B, 2)."""
    error = obs["desired_goal"] - obs["achieved_goal"]
    return np.clip(8.0 * error - 0.8 * obs["observation"][:, 2:4], -1.0, 1.0)


def register(name="tiny_point", **kwargs):
    """Register the tiny env as an actjepa task (the recipe a user's task module follows)."""
    from actjepa import envs

    options = {"success_radius": 0.03, "max_episode_steps": 40, "expert": expert, "overwrite": True}
    return envs.register_task(name, kwargs.pop("factory", TinyPointGoal), goal_observation, **{**options, **kwargs})
