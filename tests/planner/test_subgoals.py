"""Subgoals through a waypoint graph take a greedy controller around a wall it cannot see past."""

from dataclasses import replace

import numpy as np
import pytest
import torch
from scipy.sparse.csgraph import shortest_path

from actjepa.planner import ControllerConfig, make_controller
from actjepa.planner.errors import PlannerError
from actjepa.planner.subgoals import SubgoalConfig, SubgoalController, WaypointGraph, steps_to_goal

STEP = 0.1
"Distance the point moves per step at full action."


def crosses_wall(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """Whether segments p -> q (..., 2) cross the wall y = 0, x < 1."""
    opposite = (p[..., 1] * q[..., 1]) < 0
    frac = p[..., 1] / (p[..., 1] - q[..., 1]).where(opposite, torch.ones_like(p[..., 1]))
    x = p[..., 0] + frac * (q[..., 0] - p[..., 0])
    return opposite & (x < 1.0)


class WallWorld:
    """Identity encoders, a greedy policy that heads straight for its goal, and steps-to-go that know the wall
    only locally (straight-line steps, or 1000 across the wall), as a learned value does."""

    context_len, action_dim, chunk_len = 1, 2, 4

    def encode(self, obs, actions=None):
        return obs[:, -1].float()

    def encode_goal(self, goal_obs):
        return goal_obs.float()

    def value(self, latents, z_goal):
        goal = z_goal.reshape(z_goal.shape[0], *([1] * (latents.dim() - 2)), 2).expand_as(latents)
        steps = (latents - goal).norm(dim=-1) / STEP
        return torch.where(crosses_wall(latents, goal), torch.full_like(steps, 1000.0), steps)

    def act(self, obs, goal_obs, actions=None):
        delta = goal_obs.float() - obs[:, -1].float()
        direction = delta / delta.norm(dim=-1, keepdim=True).clamp_min(STEP)
        return direction[:, None].expand(-1, self.chunk_len, -1)


def move(pos: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
    new = pos + STEP * action.clamp(-1, 1)
    return torch.where(crosses_wall(pos, new)[:, None], pos, new)


def grid_graph(model: WallWorld, reach: float) -> WaypointGraph:
    xs, ys = torch.meshgrid(torch.linspace(-1, 2, 13), torch.linspace(-1, 1, 9), indexing="ij")
    points = torch.stack([xs.ravel(), ys.ravel() + 0.01], dim=-1)  # never exactly on the wall
    m = len(points)
    local = model.value(points[None].expand(m, m, 2), points).T.numpy()  # (M, M): from row i to column j
    local = np.where(local <= reach, local, 0.0)  # 0: no edge for scipy's dense input
    steps = torch.as_tensor(shortest_path(local, method="D"), dtype=torch.float32)
    return WaypointGraph(points, points, points, steps)


def run(controller, start, goal, steps=120):
    pos = start.clone()
    controller.reset(pos, goal, seeds=list(range(len(pos))))
    for _ in range(steps):
        pos = move(pos, controller.act(pos))
    return pos


def test_waypoints_lead_a_greedy_policy_around_the_wall_it_stalls_at():
    model = WallWorld()
    start, goal = torch.tensor([[0.0, -0.5], [1.5, 0.5]]), torch.tensor([[0.0, 0.5], [1.5, -0.5]])
    cfg = ControllerConfig(replan_every=1)
    greedy = run(make_controller("policy", model, cfg), start, goal)
    assert (greedy[0] - goal[0]).norm() > 0.4  # stuck under the wall
    assert (greedy[1] - goal[1]).norm() < 0.05  # nothing in the way
    sub = SubgoalController(
        make_controller("policy", model, cfg), model, grid_graph(model, 4.0), SubgoalConfig(reach=4.0, every=1)
    )
    reached = run(sub, start, goal)
    assert (reached - goal).norm(dim=-1).max() < 0.05


def test_the_goal_itself_is_handed_over_once_within_reach():
    model = WallWorld()
    cfg = SubgoalConfig(reach=4.0, every=1)
    sub = SubgoalController(
        make_controller("policy", model, ControllerConfig(replan_every=1)), model, grid_graph(model, 4.0), cfg
    )
    goal = torch.tensor([[0.2, 0.5]])
    sub.reset(torch.tensor([[0.0, 0.5]]), goal)
    sub.act(torch.tensor([[0.0, 0.5]]))
    assert torch.equal(sub.inner.goal_obs, goal)
    sub.reset(torch.tensor([[0.0, -0.5]]), goal)
    sub.act(torch.tensor([[0.0, -0.5]]))
    chosen = sub.inner.goal_obs[0]
    assert not torch.equal(chosen, goal[0]) and model.value(torch.tensor([[0.0, -0.5]]), chosen[None])[0] <= 4.0


def test_steps_to_goal_is_the_min_plus_product():
    gen = torch.Generator().manual_seed(0)
    m, b = 7, 5
    steps = torch.rand(m, m, generator=gen) * 10
    steps[torch.rand(m, m, generator=gen) < 0.3] = float("inf")
    local = torch.rand(b, m, generator=gen) * 5
    graph = WaypointGraph(torch.zeros(m, 2), torch.zeros(m, 2), torch.zeros(m, 2), steps)
    expected = torch.tensor(
        [[min(float(steps[i, j] + local[e, j]) for j in range(m)) for i in range(m)] for e in range(b)]
    )
    torch.testing.assert_close(steps_to_goal(graph, local, chunk=2), expected)


def test_bad_settings_are_refused():
    with pytest.raises(PlannerError, match="reach"):
        SubgoalConfig(reach=0.0)


def test_states_and_goals_beyond_reach_still_link_to_their_nearest_waypoints():
    """A learned steps-to-go can have a floor near a goal; the nearest waypoints still connect it."""
    model = WallWorld()
    graph = grid_graph(model, 4.0)
    start, goal = torch.tensor([[0.0, -0.5]]), torch.tensor([[0.0, 0.5]])
    cfg = ControllerConfig(replan_every=1)
    cfg_sub = SubgoalConfig(reach=0.5, every=1, min_links=6)  # grid neighbours tie in fours
    far = SubgoalController(make_controller("policy", model, cfg), model, graph, cfg_sub)
    assert (run(far, start, goal) - goal).norm() < 0.05
    alone = SubgoalController(make_controller("policy", model, cfg), model, graph, replace(cfg_sub, min_links=1))
    assert (run(alone, start, goal) - goal).norm() > 0.4  # linked to itself alone, it never leaves its waypoint
