"""plan(): batched CEM / MPPI over action sequences in a latent model.

Everything is one tensor over B episodes x N samples x H steps x A action
dims; the only Python loop runs over refinement iterations (and chunks of
the sample axis when a memory budget asks for it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias, cast

import torch
from torch import Tensor

from actjepa.planner.config import PlannerConfig
from actjepa.planner.cost import goal_cost
from actjepa.planner.errors import PlannerError
from actjepa.planner.noise import NormalStream, derive_keys, episode_keys, random_keys
from actjepa.planner.protocol import ActionPrior, LatentModel
from actjepa.planner.scoring import Scorer
from actjepa.planner.search_round import Elites, PriorDistribution, SearchState, round_fn

PriorLike: TypeAlias = ActionPrior | tuple[Tensor, Tensor] | None
"An ActionPrior, a (mean, std) pair of (B, H, A) tensors, or no prior."


@dataclass
class PlanResult:
    """What one call to plan() found, for acting and for plots."""

    actions: Tensor
    "The chosen plan (B, H, A), inside the action bounds."
    mean: Tensor
    "Final sampling mean (B, H, A); shift it by the executed steps to warm-start the next plan."
    std: Tensor
    "Final sampling std (B, H, A)."
    cost: Tensor
    "Predicted cost of the chosen plan (B,)."
    cost_history: Tensor
    "Lowest cost in the pool at each iteration (B, iterations)."
    elites: Tensor
    "Elite sequences of the last iteration (B, E, H, A), best first."
    elite_costs: Tensor
    "Their costs (B, E), ascending."
    latents: Tensor
    "Imagined latent trajectory of the chosen plan (B, H, D)."
    kept_prior: Tensor
    "(B,) bool: the trust region kept the prior's mean instead of the searched plan."


def action_bounds(cfg: PlannerConfig, action_dim: int, device: torch.device) -> tuple[Tensor, Tensor]:
    """Lower and upper bounds as (A,) float32 tensors on device."""
    bounds = []
    for name in ("action_low", "action_high"):
        value = torch.as_tensor(getattr(cfg, name), dtype=torch.float32, device=device).reshape(-1)
        if value.numel() not in (1, action_dim):
            raise PlannerError(
                f"{name} has {value.numel()} values but actions have {action_dim} dims; give 1 or {action_dim}"
            )
        bounds.append(value.expand(action_dim).clone())
    low, high = bounds
    if bool((low > high).any()):
        raise PlannerError(f"action_low {low.tolist()} exceeds action_high {high.tolist()} somewhere; swap them")
    return low, high


def infer_action_dim(model: LatentModel, cfg: PlannerConfig, prior: PriorLike, warm_start: Tensor | None) -> int:
    """Action dims from the model, a (mean, std) prior, the warm start, or per-dimension bounds."""
    dim = getattr(model, "action_dim", None)
    if dim is None and isinstance(prior, tuple):
        dim = prior[0].shape[-1]
    if dim is None and warm_start is not None:
        dim = warm_start.shape[-1]
    if dim is None:
        sizes = [torch.as_tensor(getattr(cfg, n)).numel() for n in ("action_low", "action_high")]
        dim = max(sizes) if max(sizes) > 1 else None
    if dim is None:
        raise PlannerError("cannot tell the action dimension; give the model an action_dim or per-dimension bounds")
    return int(dim)


def _check_shape(name: str, tensor: Tensor, shape: tuple[int, ...]) -> Tensor:
    if tuple(tensor.shape) != shape:
        raise PlannerError(f"{name} has shape {tuple(tensor.shape)}, expected {shape}")
    return tensor


def _noise_keys(
    batch: int, generator: torch.Generator | None, seeds: Sequence[int] | Tensor | None, device: torch.device
) -> Tensor:
    if seeds is None:
        return random_keys(batch, generator, device)
    keys = episode_keys(seeds, device)
    if keys.numel() != batch:
        raise PlannerError(f"got {keys.numel()} seeds for {batch} episodes; give one seed per episode")
    return keys


@torch.inference_mode()
def plan(
    model: LatentModel,
    z0: Tensor,
    z_goal: Tensor,
    cfg: PlannerConfig,
    prior: PriorLike = None,
    warm_start: Tensor | None = None,
    generator: torch.Generator | None = None,
    seeds: Sequence[int] | Tensor | None = None,
) -> PlanResult:
    """Search action sequences (B, H, A) that drive z0 (B, D) to z_goal (B, D') in `model`.

    prior: an ActionPrior (called as prior.action_prior(z0, z_goal, H)) or a (mean, std) pair (B, H, A); its
    mean starts the search and seeds `num_prior_trajectories` sequences in every round's pool. warm_start
    (B, H, A) replaces the initial mean (the prior still sets the std and the prior trajectories). Noise:
    per-episode `seeds` give each episode its own stream, so batched and separate calls plan alike;
    otherwise keys are drawn from `generator` (or torch's global RNG).
    """
    _check_latents(z0, z_goal)
    device, batch = z0.device, z0.shape[0]
    action_dim = infer_action_dim(model, cfg, prior, warm_start)
    low, high = action_bounds(cfg, action_dim, device)
    shape = (batch, cfg.horizon, action_dim)
    prior_dist = _read_prior(prior, z0, z_goal, cfg, shape, low, high)
    mean, std = _initial_distribution(cfg, shape, prior_dist, warm_start, low, high, device)
    prior_rows, stream = _prior_rows(cfg, shape, prior_dist, _noise_keys(batch, generator, seeds, device), low, high)
    noise = torch.empty(batch, cfg.num_samples - prior_rows.shape[1], cfg.horizon, action_dim, device=device)

    scorer = Scorer(model, z0, z_goal, cfg, action_dim)
    one_round = round_fn(model, cfg, scorer.chunk, device)
    state = SearchState(z0, z_goal, mean, std, low, high, prior_rows, prior_dist)
    cost_history = torch.empty(batch, cfg.iterations, device=device)
    best_actions, best_cost = mean.clone(), torch.full((batch,), float("inf"), device=device)
    finite = torch.ones((), dtype=torch.bool, device=device)
    for it in range(cfg.iterations):
        stream.draw(out=noise)
        found = one_round(state, noise)  # sample, score, penalise, select, refit: planner/search_round.py
        state = state._replace(mean=found.mean, std=found.std)
        finite &= found.all_finite
        cost_history[:, it] = found.elites.costs[:, 0]
        best_actions, best_cost = _keep_best(found.elites, best_actions, best_cost)
    if not bool(finite):
        raise PlannerError(
            "the model predicted non-finite latents or costs while planning; check its inputs and weights"
        )

    chosen = best_actions if cfg.select == "best" else torch.maximum(torch.minimum(state.mean, high), low)
    return _result(model, scorer, cfg, z_goal, chosen, state, cost_history, found.elites)


def _result(
    model: LatentModel,
    scorer: Scorer,
    cfg: PlannerConfig,
    z_goal: Tensor,
    chosen: Tensor,
    state: SearchState,
    cost_history: Tensor,
    elites: Elites,
) -> PlanResult:
    """The trust region's choice between the plan and the prior's mean, with its imagined latents and cost."""
    chosen, kept_prior = _trust_region(scorer, chosen, state.prior, cfg.prior_trust)
    latents = scorer.latents(chosen)
    cost = goal_cost(latents[:, None], z_goal, cfg.cost, cfg.running_weight, cfg.terminal_weight, model)[:, 0]
    return PlanResult(
        actions=chosen,
        mean=state.mean,
        std=state.std,
        cost=cost,
        cost_history=cost_history,
        elites=elites.actions,
        elite_costs=elites.costs,
        latents=latents,
        kept_prior=kept_prior,
    )


def _check_latents(z0: Tensor, z_goal: Tensor) -> None:
    if z0.dim() != 2 or z_goal.dim() != 2 or z0.shape[0] != z_goal.shape[0]:
        raise PlannerError(
            f"z0 and z_goal must be (B, D) with the same B, got {tuple(z0.shape)} and {tuple(z_goal.shape)}"
        )


def _read_prior(
    prior: PriorLike, z0: Tensor, z_goal: Tensor, cfg: PlannerConfig, shape: tuple[int, ...], low: Tensor, high: Tensor
) -> PriorDistribution | None:
    """The prior's mean (inside the bounds) and std (scaled by prior_std_scale), each (B, H, A), or None."""
    if prior is None:
        return None
    mean, std = prior if isinstance(prior, tuple) else prior.action_prior(z0, z_goal, cfg.horizon)
    mean = torch.maximum(torch.minimum(_check_shape("prior mean", mean, shape).float(), high), low)
    return PriorDistribution(mean, _check_shape("prior std", std, shape).float() * cfg.prior_std_scale)


def _initial_distribution(
    cfg: PlannerConfig,
    shape: tuple[int, ...],
    prior: PriorDistribution | None,
    warm_start: Tensor | None,
    low: Tensor,
    high: Tensor,
    device: torch.device,
) -> tuple[Tensor, Tensor]:
    """Starting mean (warm start, else prior mean, else mid-range) and std (prior's, else init_std), (B, H, A)."""
    if warm_start is not None:
        mean = _check_shape("warm_start", warm_start.to(device, torch.float32), shape).clone()
    elif prior is not None:
        mean = prior.mean.clone()
    else:
        mean = ((low + high) / 2).expand(shape).clone()
    std = prior.std if prior is not None else torch.full(shape, cfg.init_std, device=device)
    return mean, std.clamp(cfg.min_std, cfg.max_std)


def _prior_rows(
    cfg: PlannerConfig,
    shape: tuple[int, ...],
    prior: PriorDistribution | None,
    keys: Tensor,
    low: Tensor,
    high: Tensor,
) -> tuple[Tensor, NormalStream]:
    """The (B, P, H, A) rows every round's pool starts with (the prior's mean, then samples of it; P = 0
    without a prior), and the noise stream of the N - P rows sampled every round."""
    batch, horizon, action_dim = shape
    num_prior = cast(int, cfg.num_prior_trajectories) if prior is not None else 0  # an int since __post_init__
    rows = torch.empty(batch, num_prior, horizon, action_dim, device=keys.device)
    if prior is not None and num_prior:
        rows[:, 0] = prior.mean
        if num_prior > 1:
            prior_noise = NormalStream(derive_keys(keys, 1), (num_prior - 1, horizon, action_dim)).draw()
            rows[:, 1:] = (prior.mean[:, None] + prior.std[:, None] * prior_noise).clamp_(min=low, max=high)
    stream = NormalStream(derive_keys(keys, 0), (cfg.num_samples - num_prior, horizon, action_dim))
    return rows, stream


def _keep_best(elites: Elites, best_actions: Tensor, best_cost: Tensor) -> tuple[Tensor, Tensor]:
    """The lowest-cost sequence (B, H, A) and cost (B,) seen so far, updated with this round's best elite."""
    improved = elites.costs[:, 0] < best_cost
    best_cost = torch.where(improved, elites.costs[:, 0], best_cost)
    return torch.where(improved[:, None, None], elites.actions[:, 0], best_actions), best_cost


def _trust_region(
    scorer: Scorer, chosen: Tensor, prior: PriorDistribution | None, trust: float
) -> tuple[Tensor, Tensor]:
    """Keep the prior's mean (B, H, A) wherever the plan's predicted cost does not beat it by `trust` x its cost."""
    keep = torch.zeros(chosen.shape[0], dtype=torch.bool, device=chosen.device)
    if prior is None or trust <= 0:
        return chosen, keep
    costs = scorer(torch.stack([chosen, prior.mean], dim=1))  # (B, 2)
    keep = costs[:, 0] > costs[:, 1] * (1.0 - trust)
    return torch.where(keep[:, None, None], prior.mean, chosen), keep
