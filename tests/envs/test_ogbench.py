"""OGBench environments as tasks and their regenerated datasets: specs, seeding, the recipe, interruptions."""

import json

import gymnasium
import numpy as np
import pytest

from actjepa import envs
from actjepa.envs.dataset import load_dataset
from actjepa.envs.errors import EnvError
from actjepa.envs.ogbench import OGBENCH_SPECS, recipe
from actjepa.envs.ogbench.episodes import SubgoalExpert, cell_distances, maze_cells
from actjepa.envs.ogbench.generate import GenerateConfig, generate, parts_folder
from actjepa.envs.ogbench.recipes import env_ids
from actjepa.envs.ogbench.vec_env import make_ogbench_env


def test_every_recipe_environment_is_a_task_whose_spec_matches_the_environment():
    assert set(OGBENCH_SPECS) == set(env_ids())
    for name, spec in OGBENCH_SPECS.items():
        env = make_ogbench_env(name)
        assert envs.task_spec(name) == spec
        assert env.observation_space.shape == spec.obs_shape
        assert env.action_space.shape == (spec.action_dim,)
        limit = gymnasium.spec(name).max_episode_steps
        assert limit == spec.max_episode_steps
        env.close()


def test_the_cube_goal_entries_are_ogbench_s_own_goal_representation():
    env = make_ogbench_env("cube-single-v0")
    observation, info = env.reset(seed=3)
    dims = list(OGBENCH_SPECS["cube-single-v0"].goal_obs_dims)
    np.testing.assert_allclose(observation[dims], env.unwrapped.compute_oracle_observation(), atol=1e-6)
    assert not np.allclose(info["goal"][dims], observation[dims])  # the goal moves the cube
    env.close()
    assert all(spec.goal_obs_dims is None for name, spec in OGBENCH_SPECS.items() if "maze" in name)


def test_published_recipes_have_the_published_sizes():
    assert recipe("pointmaze-medium-navigate-v0").total_episodes == 1100
    assert (recipe("pointmaze-medium-stitch-v0").episodes, recipe("pointmaze-medium-stitch-v0").episode_steps) == (
        5000,
        200,
    )
    cube = recipe("cube-single-play-v0")
    assert (cube.kind, cube.noise, cube.noise_smoothing, cube.env) == ("play", 0.1, 0.5, "cube-single-v0")
    with pytest.raises(EnvError, match="unknown OGBench dataset 'antmaze-large-navigate-v0'"):
        recipe("antmaze-large-navigate-v0")


@pytest.mark.parametrize("task", ["pointmaze-medium-v0", "cube-single-v0"])
def test_episodes_are_a_pure_function_of_seed_and_task(task):
    with envs.make(task, num_envs=3) as env:
        env.set_tasks([1, 2, 2])
        first = env.reset([7, 8, 8])
        moved = [env.step(np.full((3, env.action_dim), 0.5))[0]["observation"] for _ in range(3)]
        env.set_tasks([1, 2, 2])
        again = env.reset([7, 8, 8])
        moved_again = [env.step(np.full((3, env.action_dim), 0.5))[0]["observation"] for _ in range(3)]
    for key in ("observation", "goal_observation", "desired_goal"):
        np.testing.assert_array_equal(first[key], again[key])
        np.testing.assert_array_equal(first[key][1], first[key][2])
    np.testing.assert_array_equal(np.stack(moved), np.stack(moved_again))
    assert not np.array_equal(first["goal_observation"][0], first["goal_observation"][1])


def test_the_point_reaches_its_goal_under_the_expert_and_success_is_the_environments():
    with envs.make("pointmaze-medium-v0", num_envs=1) as env:
        env.set_tasks([3])  # the short task: (5, 3) -> (4, 2)
        obs = env.reset([11])
        expert = SubgoalExpert(env.envs[0])
        solved = False
        for _ in range(300):
            obs, _, _, _, info = env.step(expert.direction()[None])
            solved |= bool(info["success"][0])
        assert solved
        assert env.goal_distance()[0] <= 1.0
        assert np.allclose(obs["achieved_goal"], obs["observation"])


def test_task_ids_are_checked():
    with envs.make("pointmaze-medium-v0", num_envs=2) as env, pytest.raises(EnvError, match="1..5"):
        env.set_tasks([0, 6])


def test_expert_matches_ogbench_subgoal_rule_everywhere():
    env = make_ogbench_env("pointmaze-large-v0", terminate_at_goal=False)
    env.reset(seed=0)
    expert, rng = SubgoalExpert(env), np.random.default_rng(0)
    free = np.argwhere(env.maze_map == 0)
    for _ in range(300):
        start, goal = free[rng.integers(len(free))], free[rng.integers(len(free))]
        env.cur_goal_xy = np.asarray(env.ij_to_xy(tuple(goal))) + rng.uniform(-1, 1, 2)
        xy = np.asarray(env.ij_to_xy(tuple(start))) + rng.uniform(-1.9, 1.9, 2)
        np.testing.assert_allclose(expert.subgoal(xy), env.get_oracle_subgoal(xy, env.cur_goal_xy)[0])


def _toward_subgoal_fraction(data, task):
    """Share of steps whose action points towards the expert's subgoal, recomputed from the stored positions."""
    env = make_ogbench_env(task, terminate_at_goal=False)
    env.reset(seed=0)
    expert = SubgoalExpert(env)
    agree = []
    for e in range(data.num_episodes):
        for t in range(0, data.episode_steps, 7):
            env.cur_goal_xy = data.desired_goals[e, t].astype(np.float64)
            direction = expert.subgoal(data.observations[e, t].astype(np.float64)) - data.observations[e, t]
            agree.append(float(np.dot(direction, data.actions[e, t])) > 0)
    return float(np.mean(agree))


@pytest.mark.parametrize("name", ["pointmaze-medium-navigate-v0", "pointmaze-medium-stitch-v0"])
def test_generated_maze_data_follow_the_recipe(tmp_path, name):
    out = generate(GenerateConfig(name, tmp_path / "d.h5", seed=3, episodes=4, progress=False))
    data, rec = load_dataset(out), recipe(name)
    assert data.num_episodes == 5 and data.episode_steps == rec.episode_steps and data.goal_free
    assert (
        json.loads(data.meta["ogbench_recipe"])["noise"] == 0.5
        and data.meta["seed"] == 3
        and data.meta["train_episodes"] == 4
    )
    assert np.abs(data.actions).max() <= 1.0
    # unit direction + N(0, 0.5^2) noise points the right way in P(z > -2) = 97.7% of steps (clipping keeps signs)
    assert 0.95 < _toward_subgoal_fraction(data, rec.env) < 0.995
    if rec.kind == "stitch":  # the goal lies 4 cells from the start and never changes
        env = make_ogbench_env(rec.env)
        assert np.all(data.desired_goals == data.desired_goals[:, :1])
        dist = [
            cell_distances(env.maze_map, env.xy_to_ij(data.desired_goals[e, 0]))[env.xy_to_ij(data.observations[e, 0])]
            for e in range(5)
        ]
        assert set(dist) <= {4, 5, 3}
    else:  # navigate draws a new goal each time the current one is reached
        changes = (np.abs(np.diff(data.desired_goals, axis=1)).sum(-1) > 0).sum()
        assert changes >= data.successes[:, 1:].any(1).sum()
    again = generate(GenerateConfig(name, tmp_path / "e.h5", seed=3, episodes=4, progress=False))
    np.testing.assert_array_equal(load_dataset(again).observations, data.observations)


def test_interrupted_generation_keeps_chunks_writes_no_file_and_continues(tmp_path, monkeypatch):
    import actjepa.envs.ogbench.generate as gen

    out = tmp_path / "d.h5"
    monkeypatch.setattr(gen, "CHUNK_EPISODES", 2)
    calls = []
    real = gen.maze_episode

    def interrupted(env, rec, seed):
        calls.append(seed)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(env, rec, seed)

    monkeypatch.setattr(gen, "maze_episode", interrupted)
    with pytest.raises(KeyboardInterrupt):
        generate(GenerateConfig("pointmaze-medium-stitch-v0", out, episodes=4, progress=False))
    assert not out.exists() and len(list(parts_folder(out).glob("chunk-*.npz"))) == 1
    monkeypatch.setattr(gen, "maze_episode", real)
    generate(GenerateConfig("pointmaze-medium-stitch-v0", out, episodes=4, progress=False))
    assert load_dataset(out).num_episodes == 5 and not parts_folder(out).exists()
    fresh = generate(GenerateConfig("pointmaze-medium-stitch-v0", tmp_path / "f.h5", episodes=4, progress=False))
    np.testing.assert_array_equal(load_dataset(fresh).actions, load_dataset(out).actions)
    with pytest.raises(EnvError, match="already exists"):
        generate(GenerateConfig("pointmaze-medium-stitch-v0", out, episodes=4, progress=False))


def test_maze_cells_exclude_hallway_middles():
    env = make_ogbench_env("pointmaze-medium-v0")
    free, vertices = maze_cells(env.maze_map)
    assert set(vertices) < set(free) and len(free) == int((env.maze_map == 0).sum())
    for i, j in set(free) - set(vertices):  # a hallway middle: open on two opposite sides, walls on the others
        m = env.maze_map
        assert (m[i - 1, j] == m[i + 1, j] == 0 and m[i, j - 1] == m[i, j + 1] == 1) or (
            m[i, j - 1] == m[i, j + 1] == 0 and m[i - 1, j] == m[i + 1, j] == 1
        )
