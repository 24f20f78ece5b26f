"""The imagined panel of evaluation videos: what the world model imagines at the step being shown.

With a decoder fitted to the model (`actjepa decoder`), each video frame gets the decoded latent that the plan
being executed imagined for that step: PlanResult.latents[:, j] after the plan's (j+1)-th action for planners,
and the policy's chunk rolled through the model for the policy. A decoded pixel frame is drawn as it is; a
decoded state is drawn by placing the simulator's bodies at its positions (envs.frames.observation_frames); a
task whose bodies cannot be placed from an observation gets the decoded achieved goal on the path plot instead.
The oracles plan in the simulator, so nothing is imagined for them. Nothing here feeds the controller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from actjepa.benchmarks.evaluation.trivial import TRIVIAL_CONTROLLERS
from actjepa.envs.frames import observation_frames
from actjepa.planner.controller import ORACLES

PLOT_TITLE = "x: imagined goal (scene not drawable from a state)"
"Title of the path plot when the imagined goal is drawn there instead of an imagined scene."


@dataclass(frozen=True)
class ImaginedPanel:
    """What one episode's video frame shows of the model's imagination."""

    title: str
    "Title of the imagined panel, or of the path plot when only the goal can be drawn."
    image: np.ndarray | None = None
    "(H, W, 3) uint8 picture of the imagined observation, or None."
    note: str = ""
    "Text in the panel when there is no picture (why nothing is imagined)."
    goal: np.ndarray | None = None
    "(G,) decoded achieved goal, drawn on the path plot (no panel of its own) when there is no picture."

    @property
    def has_panel(self) -> bool:
        """Whether it takes a panel of its own (a picture, or a note saying why there is none)."""
        return self.goal is None


class ImaginedView:
    """Decodes the imagined latent matching each real frame of one controller's episodes."""

    def __init__(self, model, decoder, env, controller_name: str) -> None:
        self.model, self.decoder, self.env, self.name = model, decoder, env, controller_name
        self._chunk_latents: Tensor | None = None

    def at_step(self, controller) -> list[ImaginedPanel]:
        """One panel per episode, after controller.act() and the env step it led to."""
        batch = self.env.num_envs
        if self.name in ORACLES:
            return [ImaginedPanel("imagined", note="nothing imagined:\nthe oracle plans\nin the simulator")] * batch
        if self.name in TRIVIAL_CONTROLLERS:
            return [ImaginedPanel("imagined", note=f"nothing imagined:\n{self.name} reads\nno model")] * batch
        latents = self._latents(controller)
        if latents is None:
            return [
                ImaginedPanel("imagined", note="nothing imagined:\nthe policy's context\nis shorter than the model's")
            ] * batch
        obs, goals = self.decoder.decode(latents)
        obs = obs.cpu().numpy()
        title = f"imagined (plan step {controller.executed_from_plan})"
        images = obs if obs.dtype == np.uint8 else observation_frames(self.env, obs)[0]
        if images is None:
            return [ImaginedPanel(PLOT_TITLE, goal=g) for g in goals.cpu().numpy()]
        return [ImaginedPanel(title, image=image) for image in images]

    def _latents(self, controller) -> Tensor | None:
        """(B, D) imagined latent after the plan's actions executed so far, or None when the model cannot say."""
        step = controller.executed_from_plan - 1
        result = getattr(controller, "last_result", None)
        if result is not None:
            return result.latents[:, step]
        if controller.executed_from_plan == 1:  # a new policy chunk: imagine it from the window it was made from
            self._chunk_latents = self._imagine_chunk(controller)
        return None if self._chunk_latents is None else self._chunk_latents[:, step]

    def _imagine_chunk(self, controller) -> Tensor | None:
        """The model's rollout (B, replan_every, D) of the policy's current chunk from the window it saw."""
        k = self.model.context_len
        if controller.history.obs.shape[1] < k:
            return None
        obs, actions = controller.history.window(k)
        z0 = self.model.encode(obs, actions)
        chunk = controller.current_actions.to(torch.float32)
        return self.model.rollout(z0, chunk[:, None])[:, 0]
