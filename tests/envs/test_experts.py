"""Each scripted expert reaches the goal in at least 95% of 100 seeded episodes without noise."""

import numpy as np
import pytest

from actjepa import envs
from actjepa.envs.experts import make_expert


@pytest.mark.parametrize("name", ["reacher", "point_mass", "maze", "push"])
def test_expert_success_rate(name):
    env = envs.make(name, num_envs=100)
    env.reset(np.arange(100))
    expert = make_expert(name)
    start_distance = env.goal_distance()
    for _ in range(env.max_episode_steps):
        _, _, _, _, info = env.step(expert(env))
    assert info["success"].mean() >= 0.95  # judged at the final step of the fixed-length episode
    assert np.median(info["goal_distance"]) < 0.5 * np.median(start_distance)


def test_maze_goals_need_the_detour():
    """In a sizeable share of maze episodes the straight line to the goal crosses a wall."""
    from actjepa.envs.tasks import maze

    env = envs.make("maze", num_envs=100)
    env.reset(np.arange(100))
    path_len = np.zeros(100, dtype=int)
    here, goal = maze.cell_index(env.qpos), maze.cell_index(env.desired_goal)
    while np.any(here != goal):
        moving = here != goal
        here = np.where(moving, maze.NEXT_CELL[here, goal], here)
        path_len += moving
    straight = np.abs(maze.FREE_CELLS[maze.cell_index(env.qpos)] - maze.FREE_CELLS[goal]).sum(1)
    assert (path_len > straight).mean() > 0.2
