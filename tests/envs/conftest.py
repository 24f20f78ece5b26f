"""Headless rendering for every envs test (set before dm_control or mujoco choose a backend)."""

import os

os.environ.setdefault("MUJOCO_GL", "egl")
