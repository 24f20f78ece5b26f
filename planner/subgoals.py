"""Subgoals from a graph of dataset states: long horizons as a chain of short plans.

A latent distance to a goal behind a wall is not the distance to go, and a 16-step plan cannot see around
the wall. So, as SoRB and HIQL-style methods do, a graph of waypoints (observations of the training data,
embedded by the model) stands between the episode and its goal: edges join waypoints the model's learned
steps-to-go (`value`) says are close, shortest paths give each waypoint's steps to the goal, and every
`every` steps the episode hands its inner controller (the policy, or MPPI with the prior) the waypoint
within reach that is fewest steps from the goal, or the goal itself once that is within reach.

Shapes: B episodes, M waypoints, D latent dims, K waypoints short-listed per episode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

import torch
from torch import Tensor

from actjepa.planner.controller import Controller, History
from actjepa.planner.errors import PlannerError


class StepsToGo(Protocol):
    """A model with encoders and a learned steps-to-go between a latent and a goal latent."""

    context_len: int

    def encode(self, obs: Tensor, actions: Tensor | None = None) -> Tensor: ...

    def encode_goal(self, goal_obs: Tensor) -> Tensor: ...

    def value(self, latents: Tensor, z_goal: Tensor) -> Tensor: ...


@dataclass(frozen=True)
class WaypointGraph:
    """Waypoints and the steps between them (built once per model from its training data)."""

    observations: Tensor
    "(M, *obs) waypoint observations, handed to the inner controller as goal observations."
    context_latents: Tensor
    "(M, D) the model's latent of each waypoint (its context window), the start of a step to another."
    goal_latents: Tensor
    "(M, D) each waypoint embedded as a goal."
    steps: Tensor
    "(M, M) shortest-path steps from waypoint i to waypoint j through the graph (inf: no path)."

    def to(self, device: torch.device | str) -> WaypointGraph:
        return WaypointGraph(
            *(t.to(device) for t in (self.observations, self.context_latents, self.goal_latents, self.steps))
        )


@dataclass(frozen=True)
class SubgoalConfig:
    """How waypoints are chosen."""

    reach: float = 40.0
    "Steps-to-go under which a waypoint (or the goal) counts as within reach of the current state."
    every: int = 8
    "Steps between subgoal choices (the inner controller replans on its own schedule in between)."
    shortlist: int = 64
    "Waypoints nearest in latent distance whose steps-to-go are evaluated per choice (the value is costly)."

    def __post_init__(self) -> None:
        if not self.reach > 0 or self.every < 1 or self.shortlist < 1:
            raise PlannerError("subgoal reach must be > 0, every and shortlist >= 1")


def steps_to_goal(graph: WaypointGraph, local: Tensor, chunk: int = 8) -> Tensor:
    """(B, M) steps from each waypoint to each episode's goal: min over j of steps[i, j] + local[b, j].

    local (B, M): steps from waypoint j straight to the goal (inf beyond reach).
    """
    out = []
    for start in range(0, local.shape[0], chunk):
        rows = local[start : start + chunk]  # (b, M)
        out.append((graph.steps[None] + rows[:, None, :]).amin(dim=-1))
    return torch.cat(out)


class SubgoalController:
    """Wraps a controller: every cfg.every steps it is handed the best waypoint within reach as its goal."""

    def __init__(self, inner: Controller, model: StepsToGo, graph: WaypointGraph, cfg: SubgoalConfig) -> None:
        if not callable(getattr(model, "value", None)):
            raise PlannerError("subgoal planning needs a model with value(latents, z_goal) (steps to go)")
        self.inner, self.model, self.cfg = inner, model, cfg
        self.graph = graph.to(inner.device)
        self.name = f"subgoal:{inner.name}"
        self.history = History(int(getattr(model, "context_len", 1)), getattr(model, "action_dim", None))
        self._steps = 0
        self.subgoal_index: Tensor | None = None

    @property
    def cfg_inner(self) -> Any:
        return self.inner.cfg

    @torch.inference_mode()
    def reset(self, obs: Tensor, goal_obs: Tensor, seeds: Sequence[int] | None = None) -> None:
        """Start B episodes towards goal observations (B, *obs); waypoints' steps to each goal are fixed here."""
        obs, goal_obs = self.inner._tensor(obs), self.inner._tensor(goal_obs)
        self.inner.reset(obs, goal_obs, seeds)
        self.history.reset(obs)
        self.goal_obs = goal_obs
        self.z_goal = self.model.encode_goal(goal_obs)
        b, m = goal_obs.shape[0], self.graph.steps.shape[0]
        ctx = self.graph.context_latents
        local = self.model.value(ctx[None].expand(b, m, ctx.shape[-1]), self.z_goal)  # (B, M)
        local = torch.where(local <= self.cfg.reach, local, torch.full_like(local, float("inf")))
        self.to_goal = steps_to_goal(self.graph, local)
        self._steps = 0

    @torch.inference_mode()
    def act(self, obs: Tensor) -> Tensor:
        """The inner controller's next action (B, A), after a new subgoal when one is due."""
        obs = self.inner._tensor(obs)
        if self._steps == 0:
            self.history.obs[:, -1] = obs
        else:
            self.history.push(self._last_action, obs)
        if self._steps % self.cfg.every == 0:
            self.inner.set_goal(self._choose(obs))
        action = self.inner.act(obs)
        self._last_action = action
        self._steps += 1
        return action

    def _choose(self, obs: Tensor) -> Tensor:
        """Goal observations (B, *obs): the goal if within reach, else the shortlisted waypoint nearest to it."""
        k = int(self.model.context_len)
        obs_window, actions = self.history.window(k)
        z = self.model.encode(obs_window, actions)  # (B, D)
        near = (
            torch.cdist(z, self.graph.context_latents)
            .topk(min(self.cfg.shortlist, self.graph.steps.shape[0]), largest=False)
            .indices
        )  # (B, K)
        b, kk = near.shape
        goal_lat = self.graph.goal_latents[near]  # (B, K, D)
        local = self.model.value(
            z[:, None].expand(b, kk, z.shape[-1]).reshape(b * kk, -1), goal_lat.reshape(b * kk, -1)
        )
        local = local.reshape(b, kk)
        total = torch.gather(self.to_goal, 1, near)  # (B, K) waypoint -> goal
        within = local <= self.cfg.reach
        reachable = torch.where(within, total, torch.full_like(total, float("inf")))
        score = torch.where(within.any(1, keepdim=True), reachable, local + total)  # none within reach: detour
        best = near.gather(1, score.argmin(1, keepdim=True)).squeeze(1)
        self.subgoal_index = best
        goal_near = self.model.value(z, self.z_goal) <= self.cfg.reach
        waypoints = self.graph.observations[best]
        return torch.where(goal_near.view(-1, *([1] * (waypoints.dim() - 1))), self.goal_obs, waypoints)
