"""How well does each planning cost rank states by the steps still needed? Measured on held-out maze data.

Pairs of a held-out state and a held-out goal position are scored by each candidate cost (latent L2 to the
goal latent, the learned steps-to-go, and the steps through the waypoint graph) and compared with the true
steps around the walls (geodesic.MazeGeodesic) by Spearman rank correlation, over all pairs and over the pairs
whose goal lies far (the quarter of pairs farthest apart), where a greedy cost is led into walls.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from scipy.stats import spearmanr

from actjepa.benchmarks.ogbench.geodesic import MazeGeodesic
from actjepa.benchmarks.ogbench.goal_entries import held_out_pairs
from actjepa.planner.subgoals import WaypointGraph, steps_to_goal


@torch.no_grad()
def graph_steps(model: Any, graph: WaypointGraph, z: torch.Tensor, z_goal: torch.Tensor, reach: float) -> torch.Tensor:
    """(n,) steps from latents z (n, D) to goal latents (n, D) through the waypoint graph (the direct learned
    steps where the goal is within reach)."""
    m, d = graph.context_latents.shape
    to_goal = model.value(graph.context_latents[None].expand(len(z), m, d), z_goal)  # (n, M)
    to_goal = steps_to_goal(graph, torch.where(to_goal <= reach, to_goal, torch.full_like(to_goal, float("inf"))))
    first = model.value(z[:, None].expand(len(z), m, d).reshape(-1, d), graph.goal_latents.repeat(len(z), 1))
    first = first.reshape(len(z), m)
    first = torch.where(first <= reach, first, torch.full_like(first, float("inf")))
    through = (first + to_goal).amin(dim=1)
    direct = model.value(z, z_goal)
    return torch.where(direct <= reach, direct, through)


@torch.no_grad()
def cost_ranking(
    model: Any,
    dataset: Any,
    episodes: np.ndarray,
    geodesic: MazeGeodesic,
    graph: WaypointGraph | None,
    reach: float,
    pairs: int = 1000,
    far_quantile: float = 0.75,
    seed: int = 0,
) -> dict[str, Any]:
    """Spearman correlation of each cost with the true steps to go, over `pairs` held-out (state, goal) pairs."""
    drawn = held_out_pairs(dataset, episodes, int(model.context_len), pairs, np.random.default_rng(seed))
    ep, t, goal_ep, goal_t = drawn["at"]
    z, z_goal = model.encode(drawn["obs"], drawn["actions"]), model.encode_goal(drawn["goal_obs"])
    truth = np.array(
        [geodesic.steps(dataset.achieved_goals[e, s][None], dataset.achieved_goals[ge, gs])[0]
         for e, s, ge, gs in zip(ep, t, goal_ep, goal_t, strict=True)]
    )  # fmt: skip
    costs = {"latent_l2": (z - z_goal).norm(dim=-1), "value": model.value(z, z_goal)}
    if graph is not None:
        costs["graph"] = graph_steps(model, graph, z, z_goal, reach)
    far_steps = float(np.quantile(truth, far_quantile))
    far = truth > far_steps
    out: dict[str, Any] = {"pairs": int(pairs), "far_pairs": int(far.sum()), "far_steps": far_steps}
    for name, cost in costs.items():
        values = cost.cpu().numpy()
        finite = np.isfinite(values)
        out[name] = {
            "spearman": float(spearmanr(values[finite], truth[finite]).statistic),
            "spearman_far": float(spearmanr(values[finite & far], truth[finite & far]).statistic),
            "finite_fraction": float(finite.mean()),
        }
    return out


def rank_costs(suite: Any, seed: int, pairs: int = 1000, progress: bool = True) -> dict[str, Any]:
    """cost_ranking of one training seed's model on the held-out episodes of a maze suite's dataset."""
    from actjepa.benchmarks.ogbench.suite import ensure_data, trained_model, waypoint_graph
    from actjepa.envs.dataset import load_dataset, split_episodes
    from actjepa.envs.ogbench import recipe
    from actjepa.envs.ogbench.vec_env import make_ogbench_env

    data = ensure_data(suite, progress)
    model = trained_model(suite, data, seed, None, progress)
    graph = waypoint_graph(suite, model, data, seed)
    dataset = load_dataset(data)
    rec = recipe(suite.dataset)
    _, held_out = split_episodes(dataset.num_episodes, rec.val_episodes / rec.total_episodes, seed)  # as trained
    if len(held_out) == 0:
        from actjepa.benchmarks.errors import UserError

        raise UserError(f"{data} has no held-out episodes to rank costs on; generate more episodes")
    geodesic = MazeGeodesic(make_ogbench_env(rec.env))
    result = cost_ranking(model, dataset, held_out, geodesic, graph, suite.subgoals.reach, pairs=pairs, seed=seed)
    return {"dataset": suite.dataset, "seed": seed, "held_out_episodes": int(len(held_out)), **result}
