"""OGBench environments as tasks, and their datasets regenerated from OGBench's recipes.

The environments come from the `ogbench` wheel (imported only when an environment is built). Each evaluation
environment is registered as a task under its OGBench id (`actjepa tasks` lists them); datasets are generated
by `actjepa.envs.ogbench.generate` from the recipes in `actjepa.envs.ogbench.recipes`.
"""

from __future__ import annotations

from actjepa.envs.ogbench.recipes import RECIPES, DatasetRecipe, recipe
from actjepa.envs.ogbench.tasks import OGBENCH_SPECS, register_ogbench_tasks
from actjepa.envs.ogbench.vec_env import NUM_TASKS, OGBenchVecEnv

__all__ = [
    "NUM_TASKS",
    "OGBENCH_SPECS",
    "RECIPES",
    "DatasetRecipe",
    "OGBenchVecEnv",
    "recipe",
    "register_ogbench_tasks",
]
