"""Pixel observations: 64x64 uint8, goal marker hidden, goal observation rendered the same way."""

import numpy as np
import pytest

from actjepa import envs


@pytest.mark.parametrize("name", ["reacher", "push"])
def test_pixel_observations(name):
    env = envs.make(name, num_envs=2, obs_mode="pixels")
    assert env.observation_shape == (64, 64, 3)
    obs = env.reset([0, 1])
    for key in ("observation", "goal_observation"):
        assert obs[key].shape == (2, 64, 64, 3) and obs[key].dtype == np.uint8
    assert obs["observation"].std() > 5  # not a blank frame
    assert not np.array_equal(obs["observation"][0], obs["goal_observation"][0])
    # the goal never reaches the observation: moving the goal leaves the frame unchanged
    env.desired_goal = env.desired_goal + 0.05
    np.testing.assert_array_equal(env.observe()["observation"], obs["observation"])
    # a state-mode env in the same state agrees on achieved goals; pixels follow the state
    moved = env.step(np.full((2, env.action_dim), 1.0))[0]["observation"]
    assert np.abs(moved.astype(int) - obs["observation"]).sum() > 0


def test_pixels_match_goal_observation_at_goal_state():
    env = envs.make("point_mass", num_envs=1, obs_mode="pixels")
    env.reset([4])
    goal_qpos, goal_qvel = env.task.goal_state(env.desired_goal, env.initial_qpos)
    env.set_sim_state(env._states_from(goal_qpos, goal_qvel))
    np.testing.assert_array_equal(env.observe()["observation"], env.goal_obs)


def _body_pixels(frame: np.ndarray, empty: np.ndarray) -> int:
    return int((np.abs(frame.astype(int) - empty.astype(int)).sum(-1) > 30).sum())


def test_point_mass_is_visible_in_pixels_without_changing_the_physics():
    env = envs.make("point_mass", num_envs=2, obs_mode="pixels")
    env.reset([4, 5])
    frames = env.observe()["observation"]
    far = env._states_from(np.full((2, 2), 5.0), np.zeros((2, 2)))  # the mass out of the camera's view
    empty = env.renderer.render(far)
    # 0.01 m is about one pixel across; drawn three times larger it covers a disc of about 28 pixels
    assert all(_body_pixels(frames[b], empty[b]) >= 15 for b in range(2))
    state_env = envs.make("point_mass", num_envs=1)
    body = state_env.model.geom("pointmass").id
    assert env.model.geom_size[body, 0] == pytest.approx(0.01) == state_env.model.geom_size[body, 0]
    assert env.renderer.model.geom_size[body, 0] == pytest.approx(0.03)
