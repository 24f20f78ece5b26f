"""Suite-style checks for every built-in task: specs, determinism, randomisation, no goal leakage."""

import numpy as np
import pytest

from actjepa import envs
from actjepa.envs.errors import EnvError

BUILTIN = ["reacher", "point_mass", "maze", "push"]


def test_task_names_start_with_the_builtin_tasks():
    assert envs.task_names()[:4] == BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_shapes_match_spec(name):
    spec = envs.task_spec(name)
    env = envs.make(name, num_envs=3)
    assert (env.num_envs, env.action_dim, env.max_episode_steps) == (3, spec.action_dim, spec.max_episode_steps)
    assert env.observation_shape == spec.obs_shape and env.spec == spec
    assert env.action_low.shape == env.action_high.shape == (spec.action_dim,)
    obs = env.reset([1, 2, 3])
    assert obs["observation"].shape == (3, *spec.obs_shape) and obs["observation"].dtype == np.float32
    assert obs["goal_observation"].shape == (3, *spec.obs_shape)
    assert obs["achieved_goal"].shape == obs["desired_goal"].shape == (3, spec.goal_dim)
    np.testing.assert_array_equal(env.desired_goal, obs["desired_goal"])
    obs, reward, terminated, truncated, info = env.step(np.zeros((3, spec.action_dim)))
    assert reward.shape == terminated.shape == truncated.shape == (3,)
    assert info["success"].dtype == bool and info["goal_distance"].shape == (3,)
    np.testing.assert_allclose(reward, -info["goal_distance"])
    np.testing.assert_allclose(
        info["goal_distance"], np.linalg.norm(obs["achieved_goal"] - obs["desired_goal"], axis=-1)
    )


@pytest.mark.parametrize("name", BUILTIN)
def test_fixed_length_episodes(name):
    env = envs.make(name, num_envs=2)
    env.reset([0, 1])
    for t in range(env.max_episode_steps):
        _, _, terminated, truncated, _ = env.step(np.zeros((2, env.action_dim)))
        assert not terminated.any()
        assert truncated.all() == (t == env.max_episode_steps - 1)


@pytest.mark.parametrize("name", BUILTIN)
def test_deterministic_under_seed(name):
    actions = np.random.default_rng(0).uniform(-1, 1, size=(10, 4, envs.task_spec(name).action_dim))
    runs = []
    for _ in range(2):
        env = envs.make(name, num_envs=4)
        first = env.reset([5, 6, 7, 8])
        trace = [first["observation"], first["goal_observation"]]
        trace += [env.step(a)[0]["observation"] for a in actions]
        runs.append(np.stack(trace[2:]))
        runs.append(np.stack(trace[:2]))
    np.testing.assert_array_equal(runs[0], runs[2])
    np.testing.assert_array_equal(runs[1], runs[3])


@pytest.mark.parametrize("name", BUILTIN)
def test_starts_and_goals_randomised_across_seeds(name):
    env = envs.make(name, num_envs=20)
    obs = env.reset(np.arange(20))
    assert len(np.unique(obs["observation"].round(6), axis=0)) == 20
    assert len(np.unique(obs["desired_goal"].round(6), axis=0)) == 20
    assert (env.goal_distance() > 0.02).mean() > 0.9  # episodes do not start solved


@pytest.mark.parametrize("name", BUILTIN)
def test_observation_never_contains_goal(name):
    env = envs.make(name, num_envs=2)
    env.reset([3, 4])
    before = env.observe()["observation"]
    env.desired_goal = env.desired_goal + 0.05
    assert np.array_equal(env.observe()["observation"], before)
    actions = np.full((2, env.action_dim), 0.3)
    moved = env.step(actions)[0]["observation"]
    env.reset([3, 4])
    env.desired_goal = env.desired_goal - 0.07
    np.testing.assert_array_equal(env.step(actions)[0]["observation"], moved)


@pytest.mark.parametrize("name", BUILTIN)
def test_goal_observation_satisfies_goal(name):
    env = envs.make(name, num_envs=16)
    env.reset(np.arange(16))
    state = env.get_sim_state()
    goal_qpos, goal_qvel = env.task.goal_state(env.desired_goal, env.initial_qpos)
    env.set_sim_state(env._states_from(goal_qpos, goal_qvel))
    assert env.success().all()
    np.testing.assert_allclose(env.observe()["observation"], env.goal_obs, atol=1e-6)
    env.set_sim_state(state)


@pytest.mark.parametrize("name", BUILTIN)
def test_bad_actions_raise_one_line(name):
    env = envs.make(name, num_envs=2)
    env.reset([0, 1])
    for bad in (np.zeros((3, env.action_dim)), np.zeros(env.action_dim), np.full((2, env.action_dim), np.nan)):
        with pytest.raises(EnvError) as info:
            env.step(bad)
        assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", BUILTIN)
def test_sim_state_round_trip_and_simulate(name):
    env = envs.make(name, num_envs=3)
    env.reset([10, 11, 12])
    env.step(np.full((3, env.action_dim), 0.5))
    state = env.get_sim_state()
    plans = np.random.default_rng(1).uniform(-1, 1, size=(3, 2, 6, env.action_dim))
    predicted = env.simulate(plans)
    assert predicted.shape == (3, 2, 6, env.spec.goal_dim)
    np.testing.assert_array_equal(env.get_sim_state(), state)  # simulate does not move the envs
    for n in range(2):
        env.set_sim_state(state)
        achieved = np.stack([env.step(plans[:, n, h])[0]["achieved_goal"] for h in range(6)], axis=1)
        np.testing.assert_allclose(predicted[:, n], achieved, atol=1e-9)
    with pytest.raises(EnvError):
        env.set_sim_state(state[:2])
    with pytest.raises(EnvError):
        env.simulate(plans[0])


def test_simulate_chunks_give_identical_results(monkeypatch):
    import actjepa.envs.mujoco_env as mujoco_env

    env = envs.make("push", num_envs=4)
    env.reset([0, 1, 2, 3])
    plans = np.random.default_rng(2).uniform(-1, 1, size=(4, 16, 5, 2))
    whole = env.simulate(plans)
    monkeypatch.setattr(mujoco_env, "SIMULATE_CHUNK_VALUES", 500)  # forces many small chunks
    np.testing.assert_array_equal(env.simulate(plans), whole)
