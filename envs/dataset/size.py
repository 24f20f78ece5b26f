"""How much disk a collection needs, checked before any episode is simulated.

Without this an absurd `--episodes` runs for hours and only then finds the
disk full. The estimate is the raw size of every array (a lower bound: HDF5
adds chunk indexes); pixel observations are lzf-compressed by an amount that
depends on the images, so for pixels only the other arrays are counted.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from actjepa.common.resources import format_bytes
from actjepa.envs.errors import EnvError
from actjepa.envs.spec import TaskSpec


def episode_bytes(spec: TaskSpec, obs_mode: str) -> int:
    """Raw bytes one episode adds to the file (pixel observations not counted)."""
    t, a, g = spec.max_episode_steps, spec.action_dim, spec.goal_dim
    obs = 0 if obs_mode == "pixels" else 4 * math.prod(spec.obs_shape)
    return (t + 2) * obs + 4 * t * a + 4 * g + 4 * (t + 1) * g + (t + 1) + 8


def check_disk_space(out: Path, episodes: int, spec: TaskSpec, obs_mode: str) -> int:
    """Bytes `episodes` episodes need at least; EnvError naming --episodes if the disk under `out` has less free."""
    need = episodes * episode_bytes(spec, obs_mode)
    folder = next((p for p in Path(out).absolute().parents if p.is_dir()), None)
    if folder is None:
        return need
    free = shutil.disk_usage(folder).free
    if need > free:
        raise EnvError(
            f"--episodes {episodes} needs at least {format_bytes(need)} on disk but only "
            f"{format_bytes(free)} is free in {folder}; lower --episodes, free space or choose another --out"
        )
    return need
