"""maze: a point mass in a U-maze; the straight line between the arms is blocked by walls."""

from __future__ import annotations

from collections import deque

import mujoco
import numpy as np

from actjepa.envs.spec import TaskSpec
from actjepa.envs.tasks.base import MujocoTask, load_asset_model

LAYOUT = ("#####", "#...#", "###.#", "#...#", "#####")
"""Maze cells, rows top to bottom: "#" wall, "." free (must match envs/assets/maze.xml)."""
CELL = 0.2
"""Cell size in metres."""
FREE_CELLS = np.array([(i, j) for i, row in enumerate(LAYOUT) for j, c in enumerate(row) if c == "."])
"""(row, column) of every free cell, in reading order."""


def cell_center(cells: np.ndarray) -> np.ndarray:
    """xy centres (..., 2) of (row, column) cells (..., 2)."""
    centre = (len(LAYOUT) - 1) / 2
    return CELL * np.stack([cells[..., 1] - centre, centre - cells[..., 0]], axis=-1)


def cell_index(xy: np.ndarray) -> np.ndarray:
    """Index into FREE_CELLS of the cell containing each point (B, 2); nearest free cell if in a wall."""
    dist = np.linalg.norm(xy[:, None, :] - cell_center(FREE_CELLS)[None], axis=-1)
    return np.argmin(dist, axis=1)


def _next_cell_table() -> np.ndarray:
    """next_cell[a, b]: the free cell after a on a shortest path from a to b (b itself when a == b)."""
    n = len(FREE_CELLS)
    lookup = {tuple(c): k for k, c in enumerate(FREE_CELLS)}
    table = np.zeros((n, n), dtype=np.int64)
    for goal in range(n):  # BFS from the goal gives every cell's successor towards it
        parent = {goal: goal}
        queue = deque([goal])
        while queue:
            cur = queue.popleft()
            i, j = FREE_CELLS[cur]
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                nb = lookup.get((i + di, j + dj))
                if nb is not None and nb not in parent:
                    parent[nb] = cur
                    queue.append(nb)
        for cell, succ in parent.items():
            table[cell, goal] = succ
    return table


NEXT_CELL = _next_cell_table()
"""Shortest-path successor table over FREE_CELLS (BFS on the cell graph)."""


class MazeTask(MujocoTask):
    """Drive a point mass through a U-maze to a goal cell, usually in the other arm."""

    spec = TaskSpec(
        name="maze",
        obs_shape=(4,),
        action_dim=2,
        goal_dim=2,
        success_radius=0.05,
        max_episode_steps=80,
        description="point mass (force control) in a U-maze of 0.2 m cells; goal = xy position.",
        success_rule="mass within 0.05 m of the goal position",
    )
    n_substeps = 5  # 0.01 s physics, 0.05 s control
    camera = "top"

    def build_model(self) -> mujoco.MjModel:
        return load_asset_model("maze.xml")

    def sample_episode(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        start_cell, goal_cell = rng.choice(len(FREE_CELLS), size=2, replace=False)
        start = cell_center(FREE_CELLS[start_cell]) + rng.uniform(-0.04, 0.04, size=2)
        goal = cell_center(FREE_CELLS[goal_cell]) + rng.uniform(-0.04, 0.04, size=2)
        return start, np.zeros(2), goal

    def observation(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        """Position and velocity: (B, 4)."""
        return np.concatenate([qpos, qvel], axis=-1).astype(np.float32)

    def state_from_observation(self, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The observation is (qpos, qvel) itself."""
        return np.asarray(obs[:, :2], dtype=np.float64), np.asarray(obs[:, 2:], dtype=np.float64)

    def achieved_goal(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        return qpos[:, :2].copy()

    def goal_state(self, goal: np.ndarray, qpos0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return goal.copy(), np.zeros_like(qpos0)
