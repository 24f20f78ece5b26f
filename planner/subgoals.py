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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
    min_links: int = 3
    """Each state and each goal links to at least its this many nearest waypoints (by learned steps), even beyond
    reach: the learned steps-to-go has a floor near some goals (about 40 at the very goal in a dead-end corner of
    pointmaze-medium, where no waypoint was within a reach of 40), and an unlinked goal strands the episode."""

    def __post_init__(self) -> None:
        if not self.reach > 0 or self.every < 1 or self.shortlist < 1 or self.min_links < 1:
            raise PlannerError("subgoal reach must be > 0, every, shortlist and min_links >= 1")


def linked(steps: Tensor, reach: float, min_links: int) -> Tensor:
    """steps (B, K) where within reach or among each row's min_links smallest, inf elsewhere."""
    rank = steps.argsort(dim=1).argsort(dim=1)
    keep = (steps <= reach) | (rank < min_links)
    return torch.where(keep, steps, torch.full_like(steps, float("inf")))


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
        self._last_action: Tensor | None = None
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
        self.to_goal = steps_to_goal(self.graph, linked(local, self.cfg.reach, self.cfg.min_links))
        self._steps, self._last_action = 0, None

    @torch.inference_mode()
    def act(self, obs: Tensor) -> Tensor:
        """The inner controller's next action (B, A), after a new subgoal when one is due."""
        obs = self.inner._tensor(obs)
        if self._last_action is None:  # the first step: reset() filled the window with this observation
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
        """Goal observations (B, *obs): among the goal and the shortlisted waypoints linked to the current state,
        the one fewest steps from the goal (the goal itself counts 0), nearer ones first among equals."""
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
        hop = self.model.value(z[:, None].expand(b, kk, z.shape[-1]).reshape(b * kk, -1), goal_lat.reshape(b * kk, -1))
        hop = torch.cat([hop.reshape(b, kk), self.model.value(z, self.z_goal)[:, None]], dim=1)  # (B, K+1)
        rest = torch.cat([torch.gather(self.to_goal, 1, near), hop.new_zeros(b, 1)], dim=1)
        hop = linked(hop, self.cfg.reach, self.cfg.min_links)
        score = torch.where(torch.isfinite(hop), rest, torch.full_like(rest, float("inf")))
        score = score + 1e-3 * hop.nan_to_num(posinf=0.0)  # among equals the nearer
        choice = score.argmin(dim=1)
        stranded = ~torch.isfinite(score.gather(1, choice[:, None])).squeeze(1)
        choice = torch.where(stranded, torch.full_like(choice, kk), choice)  # no way found: head for the goal
        is_goal = choice == kk
        best = near.gather(1, choice.clamp_max(kk - 1)[:, None]).squeeze(1)
        self.subgoal_index = torch.where(is_goal, torch.full_like(best, -1), best)
        waypoints = self.graph.observations[best]
        return torch.where(is_goal.view(-1, *([1] * (waypoints.dim() - 1))), self.goal_obs, waypoints)
