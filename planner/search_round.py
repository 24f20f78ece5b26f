"""One search round of CEM and MPPI: sample, score, penalise, select, refit.

A round reads one SearchState (the start and goal latents, the sampling distribution, the bounds, the prior) and a
block of fresh noise, and returns the elites and the refitted distribution. It scores its pool by rolling it out
through the model and costing the latents against the goal (planner/cost.py), in chunks of the sample axis when
the memory budget asks for them (planner/scoring.py). Being one function of tensors (no Python state) lets
torch.compile turn the whole round, the rollout through the model included, into one graph
(planner/compilation.py); eagerly it is the same code.

CEM weights its elites uniformly; MPPI weights them by a softmax of their cost (TD-MPC2 applies MPPI to the elite
set the same way). With num_elites = num_samples MPPI is the classic all-sample update.

Shapes: B episodes, N samples (the first P of them the prior's rows), E elites, H horizon, A action dims,
D latent dims (D' for the goal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, cast

import torch
from torch import Tensor

from actjepa.planner.compilation import compiled_or_eager
from actjepa.planner.config import PlannerConfig
from actjepa.planner.cost import goal_cost
from actjepa.planner.protocol import LatentModel


class PriorDistribution(NamedTuple):
    """The action prior as the search uses it."""

    mean: Tensor
    "Its mean (B, H, A), inside the action bounds: the search starts there and pays for leaving it."
    std: Tensor
    "Its std (B, H, A) times prior_std_scale: the initial sampling std and the unit of that payment."


class SearchState(NamedTuple):
    """Everything a round reads besides its noise; plan() replaces mean and std after every round."""

    z0: Tensor
    "Start latents (B, D)."
    z_goal: Tensor
    "Goal latents (B, D')."
    mean: Tensor
    "Sampling mean (B, H, A)."
    std: Tensor
    "Sampling std (B, H, A)."
    low: Tensor
    "Lower action bounds (A,)."
    high: Tensor
    "Upper action bounds (A,)."
    prior_rows: Tensor
    "Sequences every pool starts with (B, P, H, A): the prior's mean, then samples of it; P = 0 without a prior."
    prior: PriorDistribution | None
    "The prior that candidates are penalised for leaving; None without a prior."


class Elites(NamedTuple):
    """The best sequences of one round."""

    actions: Tensor
    "Elite action sequences (B, E, H, A), best first."
    costs: Tensor
    "Their costs (B, E), ascending."


class RoundResult(NamedTuple):
    """What one round found: its elites and the distribution refitted to them."""

    elites: Elites
    mean: Tensor
    "Refitted sampling mean (B, H, A)."
    std: Tensor
    "Refitted sampling std (B, H, A), clamped to [min_std, max_std]."
    all_finite: Tensor
    "() bool: every cost of the pool was finite."


RoundFn = Callable[[SearchState, Tensor], RoundResult]
"One round with its scorer and settings fixed: (state, noise (B, N - P, H, A)) -> what it found."
ScoreFn = Callable[[Tensor, Tensor, Tensor], Tensor]
"Costs (B, N) of action sequences (B, N, H, A) from start latents (B, D) to goal latents (B, D')."


def search_round(state: SearchState, noise: Tensor, score_pool: ScoreFn, cfg: PlannerConfig) -> RoundResult:
    """One round for noise (B, N - P, H, A): sample around the distribution, score the pool through the model,
    penalise leaving the prior, select the elites and refit the distribution to them."""
    samples = torch.clamp(noise * state.std[:, None] + state.mean[:, None], min=state.low, max=state.high)
    pool = torch.cat([state.prior_rows, samples], dim=1)
    costs = score_pool(state.z0, state.z_goal, pool)
    if cfg.prior_penalty and state.prior is not None:
        costs = costs + cfg.prior_penalty * prior_deviation(pool, state.prior.mean, state.prior.std)
    elites = select_elites(pool, costs, cast(int, cfg.num_elites))  # an int since __post_init__
    mean, std = refit(elites, elite_weights(elites.costs, cfg.method, cfg.temperature))
    if cfg.momentum:
        mean = cfg.momentum * state.mean + (1 - cfg.momentum) * mean
    return RoundResult(elites, mean, std.clamp(cfg.min_std, cfg.max_std), costs.isfinite().all())


def score_fn(model: LatentModel, cfg: PlannerConfig) -> ScoreFn:
    """The eager rollout+cost function: costs (B, N) of (B, N, H, A) actions from z0 (B, D) to z_goal (B, D')."""

    def score(z0: Tensor, z_goal: Tensor, actions: Tensor) -> Tensor:
        latents = model.rollout(z0, actions)
        return goal_cost(latents, z_goal, cfg.cost, cfg.running_weight, cfg.terminal_weight, model)

    return score


def chunked(score: ScoreFn, chunk: int) -> ScoreFn:
    """Costs (B, N) of a (B, N, H, A) pool scored `chunk` samples at a time; a short last chunk is padded
    to the full chunk, so a compiled `score` sees one shape only."""

    def score_pool(z0: Tensor, z_goal: Tensor, pool: Tensor) -> Tensor:
        num = pool.shape[1]
        if num <= chunk:
            return score(z0, z_goal, pool)
        parts = []
        for start in range(0, num, chunk):
            part = pool[:, start : start + chunk]
            if part.shape[1] < chunk:
                pad = part.new_zeros(part.shape[0], chunk - part.shape[1], *part.shape[2:])
                part = torch.cat([part, pad], dim=1)
            parts.append(score(z0, z_goal, part))
        return torch.cat(parts, dim=1)[:, :num]

    return score_pool


def prior_deviation(pool: Tensor, prior_mean: Tensor, prior_std: Tensor) -> Tensor:
    """Mean squared deviation (B, N) of pool (B, N, H, A) from the prior mean (B, H, A), in prior stds."""
    z = (pool - prior_mean[:, None]) / prior_std[:, None].clamp_min(1e-6)
    return z.pow(2).mean(dim=(-1, -2))


def select_elites(pool: Tensor, costs: Tensor, num_elites: int) -> Elites:
    """The num_elites lowest-cost sequences of pool (B, N, H, A) with costs (B, N)."""
    elite_costs, index = torch.topk(costs, num_elites, dim=1, largest=False, sorted=True)
    batch, _, horizon, action_dim = pool.shape
    gather_index = index[:, :, None, None].expand(batch, num_elites, horizon, action_dim)
    return Elites(actions=torch.gather(pool, 1, gather_index), costs=elite_costs)


def elite_weights(costs: Tensor, method: str, temperature: float) -> Tensor:
    """Weights (B, E) summing to one per episode, for ascending elite costs (B, E).

    MPPI's temperature is relative to the spread of the elite costs, so the same value works for latents of any
    scale."""
    if method == "cem":
        return torch.full_like(costs, 1.0 / costs.shape[1])
    spread = (costs[:, -1:] - costs[:, :1]).clamp_min(1e-12)
    return torch.softmax((costs[:, :1] - costs) / (temperature * spread), dim=1)


def refit(elites: Elites, weights: Tensor) -> tuple[Tensor, Tensor]:
    """Weighted mean and std (B, H, A) of the elite sequences."""
    w = weights[:, :, None, None]
    mean = (w * elites.actions).sum(dim=1)
    var = (w * (elites.actions - mean[:, None]).square()).sum(dim=1)
    return mean, var.sqrt_()


def _bound(score_pool: ScoreFn, cfg: PlannerConfig) -> RoundFn:
    """The round with its scorer and settings fixed: a function of (state, noise) alone, for torch.compile."""

    def one_round(state: SearchState, noise: Tensor) -> RoundResult:
        return search_round(state, noise, score_pool, cfg)

    return one_round


def round_fn(model: LatentModel, cfg: PlannerConfig, chunk: int, device: torch.device) -> RoundFn:
    """The round for this model and config, compiled where it pays: the whole round as one graph when the pool
    is scored in one piece, else one chunk's rollout and cost (the chunk loop stays in Python, so the graph does
    not grow with N / chunk)."""
    if cfg.num_samples <= chunk:
        return compiled_or_eager(model, cfg, device, ("round", repr(cfg)), lambda: _bound(score_fn(model, cfg), cfg))
    score = compiled_or_eager(model, cfg, device, ("score", repr(cfg), chunk), lambda: score_fn(model, cfg))
    return _bound(chunked(score, chunk), cfg)
