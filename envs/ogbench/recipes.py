"""OGBench datasets this project regenerates, each with the recipe of OGBench's own data generation.

OGBench (Park et al., ICLR 2025) publishes fixed datasets; their files cannot be downloaded here, so each is
regenerated from the recipe its authors used (the `data_gen_scripts/` of the OGBench repository), seeded, with
the ogbench wheel's environments and scripted oracles. A dataset name is `<env>-<kind>-v0`: the environment
`<env>-v0` (its evaluation tasks are fixed by OGBench) and the kind of data collected in it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from actjepa.envs.errors import EnvError

KINDS = ("navigate", "stitch", "play")
"""navigate: a noisy subgoal-direction expert heading for successive random goals; stitch: short episodes whose
goal lies 4 maze cells away; play: the scripted cube-plan oracle moving a cube to successive random targets."""


@dataclass(frozen=True)
class DatasetRecipe:
    """How one OGBench dataset is generated (recorded in the file's metadata)."""

    name: str
    """OGBench dataset name, e.g. pointmaze-medium-navigate-v0."""
    env: str
    """OGBench environment id the data are collected in and evaluated on, e.g. pointmaze-medium-v0."""
    kind: str
    """One of KINDS."""
    episodes: int
    """Training episodes (OGBench's published size)."""
    val_episodes: int
    """Validation episodes generated after them (OGBench adds a tenth), held out for training diagnostics."""
    episode_steps: int
    """Actions per episode (observations: one more)."""
    noise: float
    """Action noise: Gaussian std added to the expert's unit direction (mazes) or the plan oracle's noise scale."""
    noise_smoothing: float = 0.0
    """Gaussian smoothing (in steps) of the plan oracle's noise (play data only)."""

    @property
    def total_episodes(self) -> int:
        return self.episodes + self.val_episodes

    def describe(self) -> dict:
        """The recipe as a JSON-ready dict."""
        return asdict(self)


def _recipe(name: str, episodes: int, episode_steps: int, noise: float, noise_smoothing: float = 0.0):
    env_words = name.split("-")[:-2]
    kind = name.split("-")[-2]
    return DatasetRecipe(
        name, "-".join(env_words) + "-v0", kind, episodes, episodes // 10, episode_steps, noise, noise_smoothing
    )


RECIPES: dict[str, DatasetRecipe] = {
    r.name: r
    for r in (
        _recipe("pointmaze-medium-navigate-v0", 1000, 1000, 0.5),
        _recipe("pointmaze-large-navigate-v0", 1000, 1000, 0.5),
        _recipe("pointmaze-medium-stitch-v0", 5000, 200, 0.5),
        _recipe("cube-single-play-v0", 1000, 1000, 0.1, noise_smoothing=0.5),
    )
}
"""The datasets with a recipe here (OGBench records 1001 steps per navigate/play episode and 201 per stitch
episode: 1001 observations with the 1000 actions between them, as its regular loader keeps them)."""


def recipe(name: str) -> DatasetRecipe:
    """The recipe of a dataset name, or a one-line EnvError listing the known ones."""
    if name not in RECIPES:
        raise EnvError(f"unknown OGBench dataset {name!r}; use one of {', '.join(RECIPES)}")
    return RECIPES[name]


def env_ids() -> list[str]:
    """The OGBench environments these datasets are collected in (each registered as a task)."""
    return sorted({r.env for r in RECIPES.values()})
