"""A user's task module: a small MuJoCo goal env, its expert, registered as the actjepa task `slide_point`.

Put this file in the folder you run `actjepa` from and name it in ACTJEPA_TASK_MODULES:

    ACTJEPA_TASK_MODULES=my_tasks actjepa tasks

Nothing here is specific to actjepa except the `envs.register_task` call at the end: the env is a plain
Gymnasium goal env (a Dict observation with observation/achieved_goal/desired_goal, a Box action space).
"""

import gymnasium as gym
import mujoco
import numpy as np

from actjepa import envs

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
"""Where the tip (the achieved goal) sits relative to the mass's position."""


class SlidePoint(gym.Env):
    """Bring the tip of a damped point mass to a goal in the plane; actions are the two motor controls."""

    metadata = {"render_modes": ["rgb_array"]}
    frame_skip = 5

    def __init__(self, render_mode=None):
        self.model = mujoco.MjModel.from_xml_string(XML)
        self.data = mujoco.MjData(self.model)
        self.render_mode, self._renderer = render_mode, None
        goal = gym.spaces.Box(-np.inf, np.inf, shape=(2,), dtype=np.float64)
        self.observation_space = gym.spaces.Dict(
            {
                "observation": gym.spaces.Box(-np.inf, np.inf, shape=(4,), dtype=np.float64),
                "achieved_goal": goal,
                "desired_goal": goal,
            }
        )
        self.action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
        self.goal = np.zeros(2)

    def _get_obs(self):
        state = np.concatenate([self.data.qpos, self.data.qvel])
        return {
            "observation": state,
            "achieved_goal": self.data.site("tip").xpos[:2].copy(),
            "desired_goal": self.goal.copy(),
        }

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        mujoco.mj_resetData(self.model, self.data)
        self.data.qpos[:] = self.np_random.uniform(-0.3, 0.3, size=2)
        self.goal = self.np_random.uniform(-0.3, 0.3, size=2)
        mujoco.mj_forward(self.model, self.data)
        return self._get_obs(), {}

    def step(self, action):
        self.data.ctrl[:] = action
        mujoco.mj_step(self.model, self.data, nstep=self.frame_skip)
        obs = self._get_obs()
        reward = -float(np.linalg.norm(obs["achieved_goal"] - self.goal))
        return obs, reward, False, False, {}

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        if self._renderer is None:
            self._renderer = mujoco.Renderer(self.model, 64, 64)
        self._renderer.update_scene(self.data, camera="top")
        return self._renderer.render()

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


def goal_observation(env, desired_goal):
    """An observation of a state that reaches the goal: the mass at rest with its tip on the goal."""
    return np.concatenate([desired_goal - TIP_OFFSET, np.zeros(2)])


def expert(obs):
    """A PD controller on the tip: batched goal dict (B, ...) -> actions (B, 2)."""
    error = obs["desired_goal"] - obs["achieved_goal"]
    return np.clip(8.0 * error - 0.8 * obs["observation"][:, 2:4], -1.0, 1.0)


def achieved_goal(qpos, qvel):
    """Achieved goals (M, 2) of simulator states, vectorised: makes the oracle's rollouts fast."""
    return qpos[:, :2] + TIP_OFFSET


envs.register_task(
    "slide_point",
    factory=lambda: SlidePoint(render_mode="rgb_array"),  # rgb_array: --videos use env.render()
    goal_observation_fn=goal_observation,  # (env, desired_goal) -> an observation of a state at the goal
    success_radius=0.03,
    max_episode_steps=40,
    description="point mass brings its tip to a goal in the plane",
    expert=expert,  # batched goal dict -> actions (B, A): enables --source expert
    achieved_goal_fn=achieved_goal,  # (qpos, qvel) -> achieved goals (M, G): fast oracle rollouts
)
