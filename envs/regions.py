"""Goal regions: a sector of goal directions that collection can leave out and evaluation can require.

Every episode's start and goal are a pure function of its seed, so a region is applied by choosing
seeds: collection keeps the training seeds whose goal lies outside the region, evaluation the held-out
seeds whose goal lies inside it. Both stay pure functions of (seed, region).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from actjepa.envs.errors import EnvError
from actjepa.envs.registry import make
from actjepa.envs.seeds import evaluation_seeds, training_seeds

PROBE_SEEDS = 512
"Seeds drawn to decide whether a region leaves any goal on a task."


@dataclass(frozen=True)
class GoalRegion:
    """Goals whose first two coordinates, seen from `center`, point at an angle in [start_deg, end_deg)."""

    start_deg: float = 0.0
    "Start of the sector, in degrees counter-clockwise from the +x axis."
    end_deg: float = 90.0
    "End of the sector (exclusive), in degrees; may exceed 360 to wrap around."
    center: tuple[float, float] = (0.0, 0.0)
    "Apex of the sector in goal coordinates."

    def contains(self, goals: np.ndarray) -> np.ndarray:
        """(E,) bool: which goals (E, G>=2) lie in the sector."""
        goals = np.asarray(goals, dtype=np.float64)
        offset = goals[:, :2] - np.asarray(self.center)
        angle = np.degrees(np.arctan2(offset[:, 1], offset[:, 0])) % 360.0
        return ((angle - self.start_deg) % 360.0) < (self.end_deg - self.start_deg)

    def describe(self) -> dict:
        """The region as plain data (stored in dataset metadata and results)."""
        return {"kind": "sector", **asdict(self), "center": list(self.center)}


def goals_of_seeds(task: str, seeds: np.ndarray) -> np.ndarray:
    """Desired goals (E, G) of episodes with these seeds (reset only, no stepping)."""
    with make(task, num_envs=len(seeds), obs_mode="state") as env:
        return env.reset([int(s) for s in seeds])["desired_goal"]


def _select(task: str, region: GoalRegion, inside: bool, count: int, candidates) -> np.ndarray:
    """The first `count` seeds of candidates(n) whose goal is inside (or outside) the region."""
    where = "inside" if inside else "outside"
    n = max(PROBE_SEEDS, 4 * count)
    while True:
        seeds = candidates(n)
        keep = seeds[region.contains(goals_of_seeds(task, seeds)) == inside]
        if keep.size == 0:
            raise EnvError(f"goal region {region.describe()} leaves no goals {where} it on task {task!r}; widen it")
        if keep.size >= count:
            return keep[:count]
        n *= 4


def seeds_outside(task: str, region: GoalRegion, seed: int, count: int) -> np.ndarray:
    """`count` training seeds (a pure function of `seed`) whose goals avoid the region."""
    return _select(task, region, False, count, lambda n: training_seeds(seed, n))


def seeds_inside(task: str, region: GoalRegion, count: int, split: str = "test") -> np.ndarray:
    """The first `count` held-out seeds of `split` whose goals lie in the region."""
    return _select(task, region, True, count, lambda n: evaluation_seeds(n, split))


def check_region(task: str, region: GoalRegion) -> None:
    """EnvError (one line) if the region holds no goal of the task, or every goal."""
    seeds_outside(task, region, 0, 1)
    seeds_inside(task, region, 1)
