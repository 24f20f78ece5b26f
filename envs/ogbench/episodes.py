"""One episode of OGBench-style data: the maze's subgoal-direction expert and the cube's plan oracle.

Each episode is a pure function of its seed (np.random, the action space and the env's own generator are
seeded from it), so a generation can stop after any episode and continue with the same file. The recipe is
OGBench's (`data_gen_scripts/generate_locomaze.py` and `generate_manipspace.py`), written against the
ogbench wheel's API; the collecting agents read the simulator, which only data collection may do.
"""

from __future__ import annotations

import numpy as np

from actjepa.envs.ogbench.recipes import DatasetRecipe
from actjepa.envs.ogbench.vec_env import achieved_goal, seed_everything

STITCH_CELLS = 4
"""Maze cells between a stitch episode's start and its goal (BFS distance)."""


def maze_cells(maze_map: np.ndarray) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(free cells, vertex cells): vertex cells are the free cells that are not the middle of a straight hallway."""
    free, vertices = [], []
    for i, j in zip(*np.nonzero(maze_map == 0), strict=True):
        free.append((int(i), int(j)))
        up_down = maze_map[i - 1, j] == 0 and maze_map[i + 1, j] == 0
        left_right = maze_map[i, j - 1] == 0 and maze_map[i, j + 1] == 0
        vertical_hall = up_down and maze_map[i, j - 1] == 1 and maze_map[i, j + 1] == 1
        horizontal_hall = left_right and maze_map[i - 1, j] == 1 and maze_map[i + 1, j] == 1
        if not (vertical_hall or horizontal_hall):
            vertices.append((int(i), int(j)))
    return free, vertices


def cell_distances(maze_map: np.ndarray, start: tuple[int, int]) -> np.ndarray:
    """BFS distance in cells from `start` to every cell (-1 for walls and unreachable cells)."""
    dist = np.full(maze_map.shape, -1, dtype=np.int64)
    dist[start] = 0
    queue = [start]
    while queue:
        i, j = queue.pop(0)
        for ni, nj in ((i - 1, j), (i, j - 1), (i + 1, j), (i, j + 1)):
            if maze_map[ni, nj] == 0 and dist[ni, nj] < 0:
                dist[ni, nj] = dist[i, j] + 1
                queue.append((ni, nj))
    return dist


class SubgoalExpert:
    """OGBench's maze expert: a unit step towards the centre of the neighbouring cell (or its own) that is
    fewest cells from the goal's cell, as `env.get_oracle_subgoal` picks it, with each goal cell's BFS map kept
    (the env recomputes it every step)."""

    NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1))
    """Neighbour order of OGBench's rule (the first strictly better cell wins)."""

    def __init__(self, env) -> None:
        self.env = env
        self.maps: dict[tuple[int, int], np.ndarray] = {}

    def subgoal(self, xy: np.ndarray) -> np.ndarray:
        """The xy the expert heads for from `xy`."""
        env = self.env
        goal = env.xy_to_ij(env.cur_goal_xy)
        if goal not in self.maps:
            self.maps[goal] = cell_distances(env.maze_map, goal)
        dist = self.maps[goal]
        here = env.xy_to_ij(xy)
        best = here
        for di, dj in self.NEIGHBOURS:
            ni, nj = here[0] + di, here[1] + dj
            if 0 <= ni < dist.shape[0] and 0 <= nj < dist.shape[1] and env.maze_map[ni, nj] == 0:
                if dist[ni, nj] < dist[best]:
                    best = (ni, nj)
        return np.asarray(env.ij_to_xy(best), dtype=np.float64)

    def direction(self) -> np.ndarray:
        """Unit vector from the point towards its subgoal."""
        xy = self.env.get_xy()
        delta = self.subgoal(xy) - xy
        return delta / (np.linalg.norm(delta) + 1e-6)


def _maze_start(env, recipe: DatasetRecipe, rng: np.random.Generator) -> tuple[tuple[int, int], tuple[int, int]]:
    free, vertices = maze_cells(env.maze_map)
    start = free[rng.integers(len(free))]
    if recipe.kind == "stitch":
        dist = cell_distances(env.maze_map, start)
        near = [tuple(int(v) for v in ij) for ij in np.argwhere(dist == STITCH_CELLS)]
        return start, near[rng.integers(len(near))] if near else start
    return start, vertices[rng.integers(len(vertices))]


def maze_episode(env, recipe: DatasetRecipe, seed: int) -> dict[str, np.ndarray]:
    """A navigate or stitch episode: the noisy expert heads for its goal; navigate draws a new one on arrival."""
    seed_everything(env, seed)
    rng = np.random.default_rng(seed)
    start, goal = _maze_start(env, recipe, rng)
    _, vertices = maze_cells(env.maze_map)
    ob, _ = env.reset(seed=seed, options=dict(task_info=dict(init_ij=start, goal_ij=goal)))
    expert = SubgoalExpert(env)
    record = _Record(ob, achieved_goal(env, True), env.cur_goal_xy, env.compute_success())
    for _ in range(recipe.episode_steps):
        action = np.clip(expert.direction() + rng.normal(0.0, recipe.noise, 2), -1.0, 1.0)
        ob, _, _, _, info = env.step(action)
        record.add(action, ob, achieved_goal(env, True), env.cur_goal_xy, bool(info["success"]))
        if info["success"] and recipe.kind == "navigate":
            env.set_goal(goal_ij=vertices[rng.integers(len(vertices))])
    return record.arrays(seed)


def cube_episode(env, recipe: DatasetRecipe, seed: int) -> dict[str, np.ndarray]:
    """A play episode: the scripted plan oracle moves the cube to one random target after another."""
    from ogbench.manipspace.oracles.plan.cube_plan import CubePlanOracle

    seed_everything(env, seed)
    ob, info = env.reset(seed=seed)
    agent = CubePlanOracle(env=env, noise=recipe.noise, noise_smoothing=recipe.noise_smoothing)
    agent.reset(ob, info)
    record = _Record(ob, achieved_goal(env, False), info["privileged/target_block_pos"], bool(env._success))
    for _ in range(recipe.episode_steps):
        action = np.clip(np.asarray(agent.select_action(ob, info)), -1.0, 1.0)
        ob, _, _, _, info = env.step(action)
        record.add(action, ob, achieved_goal(env, False), info["privileged/target_block_pos"], bool(env._success))
        if agent.done:
            agent_ob, agent_info = env.set_new_target(p_stack=0.0)
            agent.reset(agent_ob, agent_info)
    return record.arrays(seed)


class _Record:
    """Arrays of one episode as they are collected (T actions between T+1 observations)."""

    def __init__(self, ob, achieved, desired, success: bool) -> None:
        self.obs, self.achieved, self.desired, self.success = [ob], [achieved], [np.array(desired)], [success]
        self.actions: list[np.ndarray] = []

    def add(self, action, ob, achieved, desired, success: bool) -> None:
        self.actions.append(action)
        self.obs.append(ob)
        self.achieved.append(achieved)
        self.desired.append(np.array(desired))
        self.success.append(success)

    def arrays(self, seed: int) -> dict[str, np.ndarray]:
        """One episode's arrays keyed like the dataset file (goal observation: the final observation)."""
        obs = np.asarray(self.obs, dtype=np.float32)
        return {
            "observations": obs,
            "actions": np.asarray(self.actions, dtype=np.float32),
            "goal_observations": obs[-1],
            "desired_goals": np.asarray(self.desired, dtype=np.float32),
            "achieved_goals": np.asarray(self.achieved, dtype=np.float32),
            "successes": np.asarray(self.success, dtype=bool),
            "episode_seeds": np.int64(seed),
        }
