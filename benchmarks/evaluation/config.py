"""What to evaluate: controller names, episodes, and the controller settings they share."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Annotated, Any

import tyro

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.trivial import TRIVIAL_CONTROLLERS
from actjepa.envs.perturbation import Perturbation
from actjepa.envs.regions import GoalRegion
from actjepa.envs.seeds import SPLITS
from actjepa.planner import CONTROLLER_NAMES, ControllerConfig, PlannerConfig

EVAL_CONTROLLERS = (*CONTROLLER_NAMES, *TRIVIAL_CONTROLLERS)
"Every controller an evaluation can run: the planner's, and the two that read no model."

BUDGET_FIELDS = ("num_samples", "horizon", "iterations")
"The planning budget: the PlannerConfig fields that every other search setting is derived from."


@dataclass(frozen=True)
class EvalConfig:
    """What to evaluate and with which controller settings."""

    controllers: Annotated[
        tuple[str, ...], tyro.conf.arg(name="controller", aliases=("--controllers",), prefix_name=False)
    ] = ("policy", "mppi+prior")
    (
        "Controller names, among policy, cem, mppi, cem+prior, mppi+prior, oracle, oracle+cost, and zero and random, "
        "which read no model (repeat --controller for several)."
    )
    episodes: int = 100
    "Held-out episodes per controller (the first seeds of the split's reserved range)."
    split: Annotated[str, tyro.conf.arg(prefix_name=False)] = "test"
    "Held-out episodes to run: 'test' (reported numbers; used for nothing else) or 'validation' (choosing settings)."
    batch_size: int = 50
    "Episodes run side by side in one batched environment and one batched plan."
    control: ControllerConfig = field(default_factory=ControllerConfig)
    "Planning budget, replanning, noise seed and device of every controller (the name sets the method)."
    perturbation: Annotated[Perturbation | None, tyro.conf.Suppress] = None
    "Push or actuator noise the evaluation loop applies through the env, the same for every controller (None: none)."
    goal_region: Annotated[GoalRegion | None, tyro.conf.Suppress] = None
    "Run only the held-out episodes whose goal lies in this region, in seed order (None: the split's first seeds)."

    def __post_init__(self) -> None:
        unknown = [c for c in self.controllers if c not in EVAL_CONTROLLERS]
        if unknown:
            raise UserError(f"unknown controller {unknown[0]!r}; choose from {', '.join(EVAL_CONTROLLERS)}")
        if self.split not in SPLITS:
            raise UserError(f"--split {self.split!r} is unknown; use test or validation")
        if self.episodes < 1 or self.batch_size < 1:
            raise UserError("--episodes and --batch-size must be at least 1")
        planner, default = self.control.planner, PlannerConfig()
        if planner.method != default.method:
            raise UserError("the planning method is set by the controller name; pass --controller cem (or mppi)")
        if (planner.action_low, planner.action_high) != (default.action_low, default.action_high):
            raise UserError("action bounds come from the task's action range; leave action_low/action_high unset")

    @property
    def device(self) -> str:
        """Torch device of the model and the planner (the controller's, else the CPU)."""
        return self.control.device or "cpu"

    @property
    def seed(self) -> int:
        """Base seed of the planners' per-episode noise streams."""
        return self.control.seed

    def with_budget(self, **budget: int) -> EvalConfig:
        """A copy with other budget fields (num_samples, horizon, iterations); derived settings follow them.

        Replanning is clamped to the horizon: a plan of length H cannot be executed for longer.
        """
        planner = self.control.planner
        kept = {f.name: getattr(planner, f.name) for f in fields(planner) if f.name in _SET_BY_USER}
        fresh = PlannerConfig(**{**kept, **{k: getattr(planner, k) for k in BUDGET_FIELDS}, **budget})
        replan = min(self.control.replan_every, fresh.horizon)
        return replace(self, control=replace(self.control, planner=fresh, replan_every=replan))

    def settings(self) -> dict[str, Any]:
        """The `settings` record of results.json: budget, replanning, batching and other planner changes."""
        planner = self.control.planner
        derived = PlannerConfig(**{k: getattr(planner, k) for k in BUDGET_FIELDS})
        overrides = {
            k: v
            for k, v in asdict(planner).items()
            if k not in BUDGET_FIELDS and k != "method" and v != getattr(derived, k)
        }
        return {
            "episodes": self.episodes,
            "split": self.split,
            "batch_size": self.batch_size,
            "device": self.device,
            "seed": self.seed,
            "replan_every": self.control.replan_every,
            **{k: getattr(planner, k) for k in BUDGET_FIELDS},
            "planner_overrides": overrides,
        }


_SET_BY_USER = tuple(f.name for f in fields(PlannerConfig) if f.name not in ("num_elites", "num_prior_trajectories"))
