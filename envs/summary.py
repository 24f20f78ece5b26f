"""Human-readable summaries: the task table and a dataset inspection."""

from __future__ import annotations

import numpy as np

from actjepa.envs.dataset.schema import EpisodeDataset
from actjepa.envs.frames import render_support
from actjepa.envs.registry import task_entry, task_names, task_spec


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def task_table() -> str:
    """One row per registered task: shapes, episode length, what it supports, and its success rule."""
    header = ("task", "obs (state)", "action", "goal", "steps", "pixels", "video", "oracle", "expert", "success")
    rows = [header]
    for name in task_names():
        s, entry, render = task_spec(name), task_entry(name), render_support(name)
        rows.append(
            (
                name,
                "x".join(map(str, s.obs_shape)),
                str(s.action_dim),
                str(s.goal_dim),
                str(s.max_episode_steps),
                _yes(render.pixel_observations),
                _yes(render.scene_frames),
                _yes(not entry.oracle_problem),
                _yes(entry.expert is not None),
                s.success_rule,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1] for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines) + (
        "\npixels: 64x64x3 uint8 observations (--obs-mode pixels); video: scene frames for "
        "--videos; oracle: planning on the true simulator; expert: collect --source expert."
    )


def _range(array: np.ndarray) -> str:
    flat = array.reshape(-1, array.shape[-1]) if array.dtype != np.uint8 else array.reshape(-1)
    lo, hi = flat.min(axis=0), flat.max(axis=0)
    if np.ndim(lo) == 0:
        return f"{lo} .. {hi}"
    fmt = {"float_kind": lambda v: f"{v:.3g}"}
    return f"min {np.array2string(lo, formatter=fmt)}  max {np.array2string(hi, formatter=fmt)}"


def _source(meta: dict) -> str:
    """The source line: noise only for expert data, provenance for imported data."""
    if meta["source"] == "expert":
        return f"expert  (noise {meta['noise']}, seed {meta['seed']})"
    if meta["source"] == "import":
        return f"import  ({meta.get('import_format')} {meta.get('import_source')}, {meta.get('imported_at')})"
    return f"{meta['source']}  (seed {meta['seed']})"


def dataset_summary(data: EpisodeDataset, path: str) -> str:
    """What `actjepa collect --inspect FILE` prints."""
    m = data.meta
    lines = [
        f"file             {path}",
        f"sha256           {data.sha256}",
        f"task             {m['task']}",
        f"observation mode {m['obs_mode']}  shape {tuple(data.observations.shape[2:])} {data.observations.dtype}",
        f"source           {_source(m)}",
        f"episodes         {data.num_episodes} x {data.episode_steps} steps = {data.num_episodes * data.episode_steps}"
        " transitions",
        _success_line(data),
        f"action range     {_range(data.actions)}",
        f"obs range        {_range(data.observations)}",
        f"schema version   {m['schema_version']}   package version {m['package_version']}",
    ]
    return "\n".join(lines)


def _success_line(data: EpisodeDataset) -> str:
    """How often the episodes met their goal (goal-free data: the collecting agent's current goal)."""
    final, ever = data.successes[:, -1].mean(), data.successes.any(1).mean()
    if data.goal_free:
        met = data.successes.mean()
        return f"goals            none per episode (goal-free); the collector's own goals met in {met:.1%} of steps"
    return f"success rate     final step {final:.1%}, at any step {ever:.1%}"
