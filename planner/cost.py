"""Goal costs: how far an imagined latent trajectory stays from the goal latent."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from actjepa.planner.errors import PlannerError
from actjepa.planner.protocol import LatentModel


def distance_to_goal(latents: Tensor, z_goal: Tensor, kind: str = "l2", model: LatentModel | None = None) -> Tensor:
    """Per-step distance (B, N, H) of latents (B, N, H, D) to goal latents (B, D).

    'l2' Euclidean, 'l1' sum of absolute differences, 'cosine' 1 - cosine similarity (blind to
    the latents' norm), 'value' the model's learned steps-to-goal (model.value(latents, z_goal)).
    """
    if kind == "value":
        value = getattr(model, "value", None)
        if not callable(value) or not getattr(model, "has_value", True):
            raise PlannerError("cost 'value' needs a model with a value network; train one or plan with cost 'l2'")
        return value(latents, z_goal)
    goal = z_goal[:, None, None, :]
    if kind == "cosine":
        return 1.0 - F.cosine_similarity(latents, goal.expand_as(latents), dim=-1)
    diff = latents - goal
    if kind == "l2":
        return torch.linalg.vector_norm(diff, dim=-1)
    return diff.abs_().sum(dim=-1)


def goal_cost(
    latents: Tensor,
    z_goal: Tensor,
    kind: str = "l2",
    running_weight: float = 0.5,
    terminal_weight: float = 1.0,
    model: LatentModel | None = None,
) -> Tensor:
    """Cost (B, N) of latents (B, N, H, D) against goal latents (B, D).

    running_weight scales the mean distance over all H steps (reaching the goal early and
    staying there is better, as in the fixed-length episodes being scored), and terminal_weight
    the distance after the last step; `kind` picks the distance (see distance_to_goal).
    """
    if not running_weight:  # terminal cost only: score just the last step (the value network is not cheap)
        return distance_to_goal(latents[..., -1:, :], z_goal, kind, model)[..., 0] * terminal_weight
    dist = distance_to_goal(latents, z_goal, kind, model)
    return dist[..., -1] * terminal_weight + dist.mean(dim=-1) * running_weight
