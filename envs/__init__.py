"""Goal-conditioned MuJoCo tasks, scripted experts, and demonstration datasets.

from actjepa import envs
env = envs.make("reacher", num_envs=8)          # a GoalVecEnv
obs = env.reset(seeds=range(8))                 # dict of (B, ...) arrays
obs, reward, terminated, truncated, info = env.step(actions)  # actions (B, A)
"""

import os

# Headless rendering unless the user chose a backend (before dm_control or mujoco pick one).
os.environ.setdefault("MUJOCO_GL", "egl")

from actjepa.envs.builtin import register_builtin_tasks  # noqa: E402
from actjepa.envs.errors import DatasetError, EnvError  # noqa: E402
from actjepa.envs.gym_adapter import register_task  # noqa: E402
from actjepa.envs.gym_oracle import oracle_available  # noqa: E402
from actjepa.envs.registry import make, task_names, task_spec  # noqa: E402
from actjepa.envs.spec import TaskSpec  # noqa: E402
from actjepa.envs.vec_env import GoalVecEnv  # noqa: E402

__version__ = "0.1.0"

register_builtin_tasks()


__all__ = [
    "DatasetError",
    "EnvError",
    "GoalVecEnv",
    "TaskSpec",
    "make",
    "oracle_available",
    "register_task",
    "task_names",
    "task_spec",
]
