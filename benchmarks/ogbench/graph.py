"""The waypoint graph of a trained model: dataset states spread over what the data cover, joined by the
model's learned steps-to-go, with shortest paths between every pair (planner.subgoals plans through it).

Waypoints are chosen by farthest-point sampling of the model's latents over a random pool of training states,
so they cover the visited space evenly rather than where the data linger. Only observations and the model
are used: the graph never reads the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from actjepa.planner.subgoals import WaypointGraph

ENCODE_BATCH = 4096
"States encoded per forward pass while building a graph."


@dataclass(frozen=True)
class GraphConfig:
    """How the waypoint graph is built."""

    pool: int = 20000
    "Random training states the waypoints are chosen from."
    waypoints: int = 1000
    "M: waypoints kept by farthest-point sampling of their latents."


def _pool(dataset: Any, episodes: np.ndarray, k: int, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(episode, time) of `count` random states with a full context window behind them."""
    rng = np.random.default_rng(seed)
    ep = episodes[rng.integers(0, len(episodes), size=count)]
    t = rng.integers(k - 1, dataset.episode_steps + 1, size=count)
    return ep, t


@torch.no_grad()
def _context_latents(model: Any, dataset: Any, ep: np.ndarray, t: np.ndarray) -> torch.Tensor:
    """(n, D) latents of the context windows ending at (ep, t)."""
    k = int(model.context_len)
    out = []
    for s in range(0, len(ep), ENCODE_BATCH):
        e, tt = ep[s : s + ENCODE_BATCH], t[s : s + ENCODE_BATCH]
        idx = tt[:, None] + np.arange(-k + 1, 1)[None]
        obs = torch.as_tensor(dataset.observations[e[:, None], idx], device=model.device)
        acts = torch.as_tensor(dataset.actions[e[:, None], idx[:, :-1]], device=model.device) if k > 1 else None
        out.append(model.encode(obs, acts))
    return torch.cat(out)


def farthest_points(latents: torch.Tensor, count: int, seed: int = 0) -> torch.Tensor:
    """Indices of `count` rows of latents (n, D) chosen greedily, each the farthest from those already chosen."""
    n = latents.shape[0]
    count = min(count, n)
    chosen = torch.empty(count, dtype=torch.long)
    chosen[0] = int(np.random.default_rng(seed).integers(n))
    nearest = torch.cdist(latents, latents[chosen[:1]]).squeeze(1)
    for i in range(1, count):
        chosen[i] = int(nearest.argmax())
        nearest = torch.minimum(nearest, torch.cdist(latents, latents[chosen[i : i + 1]]).squeeze(1))
    return chosen


@torch.no_grad()
def pairwise_steps(model: Any, context: torch.Tensor, goals: torch.Tensor, chunk: int = 64) -> torch.Tensor:
    """(M, M) learned steps-to-go from waypoint i (context latent) to waypoint j (goal latent)."""
    m = context.shape[0]
    rows = []
    for s in range(0, m, chunk):
        z = context[s : s + chunk]  # (c, D)
        c = z.shape[0]
        pairs_z = z[:, None].expand(c, m, -1).reshape(c * m, -1)
        pairs_g = goals[None].expand(c, m, -1).reshape(c * m, -1)
        rows.append(model.value(pairs_z, pairs_g).reshape(c, m))
    return torch.cat(rows)


def shortest_paths(local: torch.Tensor, reach: float) -> torch.Tensor:
    """(M, M) shortest-path steps over the edges local[i, j] <= reach (inf where no path), by Dijkstra."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    weights = local.detach().cpu().double().numpy()
    keep = weights <= reach
    np.fill_diagonal(keep, False)
    graph = csr_matrix((np.maximum(weights[keep], 1e-6), np.nonzero(keep)), shape=weights.shape)
    return torch.as_tensor(shortest_path(graph, method="D", directed=True), dtype=torch.float32)


def build_graph(
    model: Any, dataset: Any, episodes: np.ndarray, cfg: GraphConfig, reach: float, seed: int = 0
) -> WaypointGraph:
    """The waypoint graph of `model` over the training episodes of `dataset` (observations only); edges join
    waypoints at most `reach` learned steps apart (the reach of planner.subgoals.SubgoalConfig); `seed` draws
    the pool."""
    k = int(model.context_len)
    ep, t = _pool(dataset, np.asarray(episodes), k, cfg.pool, seed)
    pool = _context_latents(model, dataset, ep, t)
    keep = farthest_points(pool, cfg.waypoints, seed).numpy()
    observations = torch.as_tensor(dataset.observations[ep[keep], t[keep]], device=model.device)
    with torch.no_grad():
        goals = model.encode_goal(observations)
    context = pool[keep]
    steps = shortest_paths(pairwise_steps(model, context, goals), reach).to(model.device)
    return WaypointGraph(observations, context, goals, steps)


def save_graph(graph: WaypointGraph, path: Path) -> None:
    """Keep a built graph beside its model (safetensors), so evaluations reuse it."""
    from safetensors.torch import save_file

    tensors = {name: getattr(graph, name).contiguous().cpu() for name in WaypointGraph.__dataclass_fields__}
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp))
    tmp.replace(path)


def load_graph(path: Path, device: str = "cpu") -> WaypointGraph:
    from safetensors.torch import load_file

    tensors = load_file(str(path), device=device)
    return WaypointGraph(**{name: tensors[name] for name in WaypointGraph.__dataclass_fields__})
