"""True steps to go in an OGBench maze, for measuring how well a planning cost ranks states (never for control).

The free space of the maze map is gridded finely, and Dijkstra over its 8-connected cells gives the length of
the shortest way around the walls; a full action moves the point 0.2 units, so steps = length / 0.2.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

STEP_LENGTH = 0.2
"Units the point moves per step at full action (OGBench's point env adds 0.2 * action to its position)."


class MazeGeodesic:
    """Shortest-path steps between positions of one OGBench maze."""

    def __init__(self, env, resolution: float = 0.25, margin: float = 0.2) -> None:
        """env: an unwrapped OGBench maze env (its map and cell geometry); cells within `margin` of a wall are
        blocked, as the point's own radius keeps it there."""
        self.env, self.resolution = env, resolution
        unit = env._maze_unit
        rows, cols = env.maze_map.shape
        self.x0, self.y0 = -env._offset_x - unit / 2, -env._offset_y - unit / 2
        self.nx, self.ny = int(cols * unit / resolution), int(rows * unit / resolution)
        xs = self.x0 + (np.arange(self.nx) + 0.5) * resolution
        ys = self.y0 + (np.arange(self.ny) + 0.5) * resolution
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        self.free = np.ones((self.nx, self.ny), dtype=bool)
        for dx in (-margin, 0.0, margin):
            for dy in (-margin, 0.0, margin):
                self.free &= self._free_cell(gx + dx, gy + dy)
        self.graph = self._grid_graph()
        self._fields: dict[int, np.ndarray] = {}

    def _free_cell(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        unit, env = self.env._maze_unit, self.env
        j = np.floor((x + env._offset_x + unit / 2) / unit).astype(int)
        i = np.floor((y + env._offset_y + unit / 2) / unit).astype(int)
        inside = (i >= 0) & (i < env.maze_map.shape[0]) & (j >= 0) & (j < env.maze_map.shape[1])
        out = np.zeros(x.shape, dtype=bool)
        out[inside] = env.maze_map[i[inside], j[inside]] == 0
        return out

    def _grid_graph(self):
        """Sparse graph of free cells, each joined to its free 8-neighbours by their centre distance."""
        index = np.arange(self.nx * self.ny).reshape(self.nx, self.ny)
        rows, cols, weights = [], [], []
        for di, dj in ((1, 0), (0, 1), (1, 1), (1, -1)):
            i0, i1 = max(0, -di), self.nx - max(0, di)
            j0, j1 = max(0, -dj), self.ny - max(0, dj)
            both = self.free[i0:i1, j0:j1] & self.free[i0 + di : i1 + di, j0 + dj : j1 + dj]
            a, b = index[i0:i1, j0:j1][both], index[i0 + di : i1 + di, j0 + dj : j1 + dj][both]
            rows += [a, b]
            cols += [b, a]
            weights.append(np.full(2 * len(a), self.resolution * float(np.hypot(di, dj))))
        n = self.nx * self.ny
        data = (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols)))
        return coo_matrix(data, shape=(n, n)).tocsr()

    def _cell(self, xy: np.ndarray) -> np.ndarray:
        """Flat index of the free grid cell nearest to each position (n, 2)."""
        xy = np.atleast_2d(xy)
        i = np.clip(((xy[:, 0] - self.x0) / self.resolution).astype(int), 0, self.nx - 1)
        j = np.clip(((xy[:, 1] - self.y0) / self.resolution).astype(int), 0, self.ny - 1)
        free_i, free_j = np.nonzero(self.free)
        blocked = ~self.free[i, j]
        if blocked.any():  # snap positions hugging a wall to the nearest free cell
            d = (free_i[None] - i[blocked, None]) ** 2 + (free_j[None] - j[blocked, None]) ** 2
            nearest = d.argmin(1)
            i[blocked], j[blocked] = free_i[nearest], free_j[nearest]
        return i * self.ny + j

    def steps(self, start: np.ndarray, goal: np.ndarray) -> np.ndarray:
        """Steps from each start (n, 2) to the goal (2,) along the shortest way around the walls."""
        target = int(self._cell(np.asarray(goal))[0])
        if target not in self._fields:
            self._fields[target] = dijkstra(self.graph, directed=False, indices=target)
        return self._fields[target][self._cell(np.asarray(start))] / STEP_LENGTH
