"""What a planning cost measures on a task whose goals constrain part of the observation (OGBench cube).

A cube goal observation holds the target cube position and an arm pose that the task never judges. For pairs
of a held-out state and a held-out goal observation, each cost (latent L2 to the goal latent, the learned
steps-to-go) is compared by Spearman rank correlation with the distance the task judges (its goal entries,
TaskSpec.goal_obs_dims) and with the distance of every other entry: a cost toward the whole goal observation
that follows the second more than the first chases the goal's arbitrary arm pose. The same costs toward goals
composed of the state and the goal's entries (planner.partial_goal, the `partial:` controllers) show what the
composition changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from scipy.stats import spearmanr

from actjepa.planner.partial_goal import composed_goal


def held_out_pairs(dataset: Any, episodes: np.ndarray, k: int, pairs: int, rng: np.random.Generator) -> dict:
    """`pairs` (state window, goal observation) pairs from held-out episodes: obs (n, k, *obs), actions
    (n, k-1, A) or None, goal observations (n, *obs), and where each state and goal lies (episode, step)."""
    ep = episodes[rng.integers(0, len(episodes), pairs)]
    t = rng.integers(k - 1, dataset.episode_steps + 1, pairs)
    goal_ep, goal_t = episodes[rng.integers(0, len(episodes), pairs)], rng.integers(0, dataset.episode_steps + 1, pairs)
    idx = t[:, None] + np.arange(-k + 1, 1)[None]
    return {
        "obs": torch.as_tensor(dataset.observations[ep[:, None], idx]),
        "actions": torch.as_tensor(dataset.actions[ep[:, None], idx[:, :-1]]) if k > 1 else None,
        "goal_obs": torch.as_tensor(dataset.observations[goal_ep, goal_t]),
        "at": (ep, t, goal_ep, goal_t),
    }


def _spearman(cost: torch.Tensor, truth: np.ndarray) -> float:
    return float(spearmanr(cost.cpu().numpy(), truth).statistic)


@torch.no_grad()
def goal_entry_ranking(
    model: Any, dataset: Any, episodes: np.ndarray, goal_dims: tuple[int, ...], pairs: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Spearman correlation of each cost, toward whole and composed goals, with the goal entries' distance and
    with the other entries' distance, over `pairs` held-out pairs."""
    drawn = held_out_pairs(dataset, episodes, int(model.context_len), pairs, np.random.default_rng(seed))
    current, goal_obs = drawn["obs"][:, -1], drawn["goal_obs"]
    dims = torch.as_tensor(goal_dims)
    rest = torch.as_tensor([i for i in range(current.shape[-1]) if i not in goal_dims])
    judged = (current[:, dims] - goal_obs[:, dims]).norm(dim=-1).numpy()
    arbitrary = (current[:, rest] - goal_obs[:, rest]).norm(dim=-1).numpy()
    z = model.encode(drawn["obs"], drawn["actions"])
    out: dict[str, Any] = {"pairs": int(pairs), "goal_dims": list(goal_dims)}
    for goals, goal in (("whole", goal_obs), ("composed", composed_goal(current, goal_obs, dims))):
        z_goal = model.encode_goal(goal)
        for name, cost in (("latent_l2", (z - z_goal).norm(dim=-1)), ("value", model.value(z, z_goal))):
            out[f"{name}_{goals}"] = {
                "spearman_goal_entries": _spearman(cost, judged),
                "spearman_other_entries": _spearman(cost, arbitrary),
            }
    return out


def rank_goal_entries(suite: Any, seed: int, pairs: int = 1000, progress: bool = True) -> dict[str, Any]:
    """goal_entry_ranking of one training seed's model on the held-out episodes of the suite's dataset."""
    from actjepa import envs
    from actjepa.benchmarks.errors import UserError
    from actjepa.benchmarks.ogbench.suite import ensure_data, trained_model
    from actjepa.envs.dataset import load_dataset, split_episodes
    from actjepa.envs.ogbench import recipe

    rec = recipe(suite.dataset)
    goal_dims = envs.task_spec(rec.env).goal_obs_dims
    if goal_dims is None:
        raise UserError(f"{suite.dataset}'s goals constrain the whole observation; there are no goal entries to rank")
    data = ensure_data(suite, progress)
    model = trained_model(suite, data, seed, None, progress)
    dataset = load_dataset(data)
    _, held_out = split_episodes(dataset.num_episodes, rec.val_episodes / rec.total_episodes, seed)  # as trained
    if len(held_out) == 0:
        raise UserError(f"{data} has no held-out episodes to rank costs on; generate more episodes")
    result = goal_entry_ranking(model, dataset, held_out, tuple(goal_dims), pairs=pairs, seed=seed)
    return {"dataset": suite.dataset, "seed": seed, "held_out_episodes": int(len(held_out)), **result}
