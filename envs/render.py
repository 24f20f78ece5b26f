"""Headless 64x64 top-down pixel observations with shadows, reflections and skybox off.

One mujoco.Renderer per task is created on first use and reused for every frame
and every env of that task until the process exits: destroying an EGL context
while another one is alive corrupts the survivor's frames, so renderers are
never destroyed early. Goal markers are hidden (made transparent in the
renderer's own copy of the model) so the goal only reaches the agent through
the goal observation; bodies too small to see at 64x64 are drawn larger in
that copy (physics keeps the true sizes).
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

os.environ.setdefault("MUJOCO_GL", "egl")

import mujoco  # noqa: E402
import numpy as np  # noqa: E402

from actjepa.envs.errors import EnvError  # noqa: E402

if TYPE_CHECKING:
    from actjepa.envs.tasks.base import MujocoTask

STATE_SPEC = mujoco.mjtState.mjSTATE_FULLPHYSICS.value


class PixelRenderer:
    """Renders simulator states (B, nstate) to uint8 images (B, 64, 64, 3).

    `model` must be the renderer's own copy: goal markers are hidden and small bodies enlarged in it.
    """

    def __init__(
        self,
        model: mujoco.MjModel,
        camera: str,
        hidden_geoms: Sequence[str] = (),
        enlarged_geoms: Sequence[tuple[str, float]] = (),
        size: int = 64,
    ) -> None:
        self.model = model
        for name in hidden_geoms:
            self.model.geom_rgba[self.model.geom(name).id, 3] = 0.0
        for name, factor in enlarged_geoms:
            geom = self.model.geom(name).id
            self.model.geom_size[geom] *= factor
            self.model.geom_rbound[geom] *= factor
        self.data = mujoco.MjData(self.model)
        self.camera = camera
        try:
            self.renderer = mujoco.Renderer(self.model, size, size)
        except Exception as exc:  # no usable OpenGL backend
            raise EnvError(f"cannot render pixels ({exc}); set MUJOCO_GL=egl (or osmesa with libosmesa6)") from None
        flags = self.renderer.scene.flags
        flags[mujoco.mjtRndFlag.mjRND_SHADOW] = 0
        flags[mujoco.mjtRndFlag.mjRND_REFLECTION] = 0
        flags[mujoco.mjtRndFlag.mjRND_SKYBOX] = 0

    def render(self, states: np.ndarray) -> np.ndarray:
        """One frame per state row; the only per-env loop in the package."""
        frames = np.empty((len(states), *self.renderer_shape), dtype=np.uint8)
        for b, state in enumerate(states):
            mujoco.mj_setState(self.model, self.data, state, STATE_SPEC)
            mujoco.mj_forward(self.model, self.data)
            self.renderer.update_scene(self.data, camera=self.camera)
            frames[b] = self.renderer.render()
        return frames

    @property
    def renderer_shape(self) -> tuple[int, int, int]:
        return (self.renderer.height, self.renderer.width, 3)

    def close(self) -> None:
        self.renderer.close()


_RENDERERS: dict[tuple, PixelRenderer] = {}


def shared_renderer(
    key: tuple,
    build_model: Callable[[], mujoco.MjModel],
    camera: str,
    hidden_geoms: Sequence[str] = (),
    enlarged_geoms: Sequence[tuple[str, float]] = (),
) -> PixelRenderer:
    """The process-wide renderer for `key` (created on first use, closed at exit)."""
    if key not in _RENDERERS:
        first = not _RENDERERS
        _RENDERERS[key] = PixelRenderer(build_model(), camera, hidden_geoms, enlarged_geoms)
        if first:  # registered after the GL backend's own exit hook, so it runs before it
            atexit.register(_close_renderers)
    return _RENDERERS[key]


def task_renderer(task: MujocoTask) -> PixelRenderer:
    """The process-wide renderer of a built-in task: its camera, goal markers hidden, small bodies enlarged."""
    key = (type(task).__module__, type(task).__qualname__)
    return shared_renderer(key, task.build_model, task.camera, task.hidden_geoms, task.enlarged_geoms)


def _close_renderers() -> None:
    while _RENDERERS:
        _RENDERERS.popitem()[1].close()
