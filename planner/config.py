"""Typed configuration of the planner and of the receding-horizon controller."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from actjepa.planner.errors import PlannerError

METHODS = ("cem", "mppi")
COSTS = ("l2", "l1", "cosine", "value")
COMPILE_MODES = ("auto", "on", "off")
SELECTIONS = ("mean", "best")

Bound: TypeAlias = float | Sequence[float]


@dataclass(frozen=True)
class PlannerConfig:
    """One planning budget and its search settings; the defaults are the benchmarked budget.

    The budget is (num_samples, horizon, iterations); num_elites and num_prior_trajectories left at None are
    derived from it here, so evaluation, experiments and benchmarks that ask for one budget plan alike.
    """

    method: str = "mppi"
    "'cem' (uniform mean of the elites) or 'mppi' (softmax-weighted elites, as TD-MPC2 does)."
    num_samples: int = 512
    "N: action sequences scored per iteration and episode, prior trajectories included."
    horizon: int = 16
    "H: steps each action sequence looks ahead."
    iterations: int = 6
    "Refinement rounds of the sampling distribution per plan."
    num_elites: int | None = None
    "E: best sequences that the distribution is refit to each round; None derives min(64, N // 8) from N."
    temperature: float = 0.5
    "MPPI temperature as a fraction of the elite cost spread: smaller trusts the best elites more."
    init_std: float = 0.5
    "Initial per-step standard deviation when no prior gives one (raw action units)."
    min_std: float = 0.05
    "Lower clamp on the std, so the search never collapses to a point before the last iteration."
    max_std: float = 2.0
    "Upper clamp on the std (prior stds are clamped too)."
    momentum: float = 0.0
    "Weight of the previous mean when refitting: 0 replaces it, 0.1 smooths the update slightly."
    action_low: Bound = -1.0
    "Lower action bound, a float or one value per action dimension; samples are clamped to it."
    action_high: Bound = 1.0
    "Upper action bound, a float or one value per action dimension."
    cost: str = "l2"
    (
        "Distance of predicted latents to the goal: 'l2' (Euclidean), 'l1' (sum of absolutes), 'cosine' (1 - cosine "
        "similarity) or 'value' (the model's learned steps-to-goal; sees walls and contact)."
    )
    running_weight: float = 0.0
    (
        "Weight of the mean distance over all H predicted latents; 0 by default: on reacher, scoring the end of the "
        "horizon only (the episodes are scored at their end) measured 94% against 74% with 0.5."
    )
    terminal_weight: float = 1.0
    "Weight of the distance of the last predicted latent."
    num_prior_trajectories: int | None = None
    (
        "Sequences from the prior (its mean, then samples of its distribution) in every round's pool; None derives "
        "min(24, N // 8) from N (the controller sets 0 when it plans without a prior)."
    )
    prior_std_scale: float = 0.5
    (
        "Multiplier on the prior's std for the initial sampling std; 0.5 keeps the search near the policy, which on "
        "reacher measured 90% success against 74% with 1.0 (its learned std is already small)."
    )
    prior_trust: float = 0.0
    (
        "Trust region around the prior: its mean sequence is kept unless the plan's predicted cost is lower by more "
        "than this fraction of the prior's cost (0: always take the plan). Guards a good policy against model error, "
        "which makes searched plans look better than they are."
    )
    prior_penalty: float = 1.0
    (
        "Weight of a penalty on each candidate's mean squared deviation from the prior's mean, in units of the initial "
        "sampling std (a KL-like bound toward the policy): keeps the search where the predictor has seen data, so a "
        "learned cost is not fooled by predictions for actions no demonstration took. 0: off. On the maze (validation "
        "split) it took mppi+prior from 88% to 100% with the latent L2 cost."
    )
    select: str = "mean"
    "Returned plan: 'mean' (the final sampling mean) or 'best' (lowest-cost sequence seen)."
    memory_budget_mb: float | None = None
    (
        "Upper bound for the rollout's working memory (the sample axis is chunked to stay under it); None: 32 on CPU "
        "(cache-sized chunks run faster there), 4096 on CUDA."
    )
    compile: str = "auto"
    (
        "torch.compile of each search round, rollout and cost included: 'auto' compiles models that declare "
        "`compilable = True`, on CUDA and on a CPU with a C++ compiler (eager otherwise, said once); 'on' any "
        "model; 'off' never. Same plans either way, to float rounding (tested)."
    )

    def __post_init__(self) -> None:
        # The one place where the search settings are derived from the budget N (frozen: set once, here).
        num_elites = min(64, max(1, self.num_samples // 8)) if self.num_elites is None else self.num_elites
        num_prior = (
            min(24, self.num_samples // 8) if self.num_prior_trajectories is None else self.num_prior_trajectories
        )
        object.__setattr__(self, "num_elites", num_elites)
        object.__setattr__(self, "num_prior_trajectories", num_prior)
        choices = {"method": METHODS, "cost": COSTS, "compile": COMPILE_MODES, "select": SELECTIONS}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise PlannerError(f"{name}={getattr(self, name)!r} is unknown; use one of {', '.join(allowed)}")
        for name in ("num_samples", "horizon", "iterations", "num_elites"):
            if int(getattr(self, name)) < 1:
                raise PlannerError(f"{name} must be at least 1, got {getattr(self, name)}")
        if num_elites > self.num_samples:
            raise PlannerError(f"num_elites={num_elites} exceeds num_samples={self.num_samples}; lower it")
        if not 0 <= num_prior < self.num_samples:
            raise PlannerError(f"num_prior_trajectories={num_prior} must be in [0, num_samples); lower it")
        if not 0 < self.min_std <= self.max_std:
            raise PlannerError(f"need 0 < min_std <= max_std, got {self.min_std} and {self.max_std}")
        if self.prior_penalty < 0:
            raise PlannerError(f"prior_penalty must be >= 0, got {self.prior_penalty}")
        if not 0 <= self.prior_trust < 1:
            raise PlannerError(f"prior_trust must be in [0, 1), got {self.prior_trust}")
        if self.temperature <= 0:
            raise PlannerError(f"temperature must be positive, got {self.temperature}")
        if not 0 <= self.momentum < 1:
            raise PlannerError(f"momentum must be in [0, 1), got {self.momentum}")
        if self.memory_budget_mb is not None and self.memory_budget_mb <= 0:
            raise PlannerError(f"memory_budget_mb must be positive, got {self.memory_budget_mb}")


@dataclass(frozen=True)
class ControllerConfig:
    """A receding-horizon controller: how often it replans and how it seeds its search."""

    planner: PlannerConfig = field(default_factory=PlannerConfig)
    "The search budget and settings of every plan (the method is set by the controller name)."
    replan_every: int = 4
    "Actions executed from each plan (or policy chunk) before planning again."
    warm_start: bool = True
    "Start each plan from the previous plan's mean shifted by the executed steps."
    seed: int = 0
    "Base seed of the per-episode noise streams when reset() is given no seeds (episode b uses seed + b)."
    device: str | None = None
    "Device for observations and plans; None uses the model's parameter device (CPU if it has none)."

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**62:
            raise PlannerError(f"seed must be a whole number in [0, 2**62), got {self.seed!r}; pass --seed 0 or larger")
        if self.replan_every < 1:
            raise PlannerError(f"replan_every must be at least 1, got {self.replan_every}")
        if self.replan_every > self.planner.horizon:
            raise PlannerError(
                f"replan_every={self.replan_every} exceeds the planning horizon {self.planner.horizon}; lower it"
            )
