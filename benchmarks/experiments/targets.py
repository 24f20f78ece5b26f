"""Acceptance targets of the experiments, as data: what each results file must show, and whether it does.

The report lists every target that a results file can decide and marks it met or missed; the marks are
never typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


@dataclass(frozen=True)
class MinSuccess:
    """A controller succeeds in at least `rate` of the held-out episodes."""

    controller: str
    rate: float
    tasks: tuple[str, ...]
    "Tasks the target applies to."
    label: str = ""
    "Prefix of the line in the report (e.g. the task name)."

    def decide(self, controllers: dict[str, dict]) -> tuple[str, bool] | None:
        if self.controller not in controllers:
            return None
        got = controllers[self.controller]["success_rate"]
        if self.label:
            return f"{self.label}: at least {100 * self.rate:.0f}% success ({_pct(got)})", got >= self.rate
        text = f"`{self.controller}` succeeds in at least {100 * self.rate:.0f}% of held-out episodes ({_pct(got)})"
        return text, got >= self.rate


@dataclass(frozen=True)
class Lead:
    """`controller` leads `other` by at least `points` (a fraction); a lead of 0 must be strictly positive."""

    controller: str
    other: str
    points: float
    tasks: tuple[str, ...] | None = None
    "Tasks the target applies to; None for every task."
    label: str = ""

    def decide(self, controllers: dict[str, dict]) -> tuple[str, bool] | None:
        if self.controller not in controllers or self.other not in controllers:
            return None
        got, ref = controllers[self.controller]["success_rate"], controllers[self.other]["success_rate"]
        lead = got - ref
        if self.points == 0:
            text = f"`{self.controller}` beats `{self.other}` without prior ({_pct(got)} against {_pct(ref)})"
            return text, lead > 0
        text = (
            f"{self.label}: planning beats the pure policy by at least {100 * self.points:.0f} points "
            f"({100 * lead:.1f} points)"
        )
        return text, lead >= self.points


@dataclass(frozen=True)
class WithinOf:
    """`controller` trails `reference` by at most `points` (a fraction) at the same budget."""

    controller: str
    reference: str
    points: float
    tasks: tuple[str, ...]

    def decide(self, controllers: dict[str, dict]) -> tuple[str, bool] | None:
        if self.controller not in controllers or self.reference not in controllers:
            return None
        gap = controllers[self.reference]["success_rate"] - controllers[self.controller]["success_rate"]
        text = (
            f"`{self.controller}` within {100 * self.points:.0f} points of `{self.reference}` at the same budget "
            f"({100 * gap:.1f} points behind)"
        )
        return text, gap <= self.points


CONTROLLER_TARGETS = (
    MinSuccess("mppi+prior", 0.98, tasks=("reacher",)),
    WithinOf("mppi+prior", "oracle", 0.03, tasks=("reacher",)),
    Lead("mppi+prior", "policy", 0.20, tasks=("maze",), label="maze"),
    MinSuccess("mppi+prior", 0.95, tasks=("maze",), label="maze"),
    MinSuccess("mppi+prior", 0.80, tasks=("push",), label="push"),
    MinSuccess("mppi+prior", 0.92, tasks=("reacher/pixels",), label="reacher from 64x64 pixels"),
    MinSuccess("mppi+prior", 0.80, tasks=("push/pixels",), label="push from 64x64 pixels"),
    Lead("mppi+prior", "mppi", 0.0),
)
(
    "Targets of the controller comparison (results.json), in the order the report lists them; a task named "
    "'TASK/pixels' is that task learned from 64x64 frames."
)


@dataclass(frozen=True)
class EfficiencyTarget:
    """ACT-JEPA's policy leads BC's by at least `lead` at these demonstration counts (the paper's comparison)."""

    demonstrations: tuple[int, ...] = (25, 50)
    lead: float = 0.05

    def decide(self, demonstrations: int, lead: float) -> bool | None:
        """Met or missed at this count; None where the target does not apply."""
        if demonstrations not in self.demonstrations:
            return None
        return lead >= self.lead


EFFICIENCY_TARGET = EfficiencyTarget()
"Target of the data-efficiency experiment."


@dataclass(frozen=True)
class HorizonTarget:
    """On `tasks`, `controller` reaches `rate` at the longest horizon, and from `from_horizon` on its success
    never drops: each point's 95% interval reaches the success of the point before it."""

    controller: str = "mppi+prior"
    rate: float = 0.95
    from_horizon: int = 8
    tasks: tuple[str, ...] = ("reacher",)

    def decide(self, task: str, points: list[dict]) -> list[tuple[str, bool]]:
        """(line, met) pairs for a sweep's points of this controller (each with horizon, rate and interval)."""
        points = sorted((p for p in points if p["horizon"] >= self.from_horizon), key=lambda p: p["horizon"])
        if task not in self.tasks or len(points) < 2:
            return []
        last = points[-1]
        reach = (
            f"`{self.controller}` succeeds in at least {100 * self.rate:.0f}% at H={last['horizon']} "
            f"({_pct(last['success_rate'])})"
        )
        drops = [f"H={b['horizon']}" for a, b in pairwise(points) if b["success_ci95"][1] < a["success_rate"]]
        span = f"H={points[0]['horizon']} to H={last['horizon']}"
        steady = f"`{self.controller}` success does not fall from {span} within the intervals" + (
            f" (falls at {', '.join(drops)})" if drops else ""
        )
        return [(reach, last["success_rate"] >= self.rate), (steady, not drops)]


HORIZON_TARGET = HorizonTarget()
"Target of the horizon sweep: planning holds up as the plan looks further ahead."


@dataclass(frozen=True)
class TrainingStepsTarget:
    """A model trained `longer` steps plans at least as well (`controller`'s success) as one trained `shorter`."""

    controller: str = "mppi+prior"
    shorter: int = 800
    longer: int = 3000

    def decide(self, points: list[dict]) -> tuple[str, bool] | None:
        """(line, met) for a training-steps sweep's points, or None when it lacks either length."""
        by_steps = {p["steps"]: p["controllers"].get(self.controller) for p in points}
        short, long = by_steps.get(self.shorter), by_steps.get(self.longer)
        if not short or not long:
            return None
        text = (
            f"the {self.longer}-step model plans at least as well as the {self.shorter}-step one "
            f"(`{self.controller}` {_pct(long['success_rate'])} against {_pct(short['success_rate'])})"
        )
        return text, long["success_rate"] >= short["success_rate"]


TRAINING_STEPS_TARGET = TrainingStepsTarget()
"Target of the training-steps sweep: longer training must not make planning worse."

PLANNER_MS_PER_ACTION = 9.75
(
    "Planner speed target: ms per action at the default budget, B=1, at most 1.5x the 6.5 ms the planner took "
    "before the learned value, the trust region and the prior penalty were added."
)

REGIMES_WIN_POINTS = 0.20
"Regimes target: in at least one regime mppi+prior beats the policy by this much, with separated intervals."
REGIMES_EXPERT_SLACK = 0.02
"Regimes target: in the clean expert regime mppi+prior is at most this far below the policy."


def controller_targets(
    task: str | None, controllers: dict[str, dict], obs_mode: str = "state"
) -> list[tuple[str, bool]]:
    """(line, met) for every controller target that applies to `task` observed as `obs_mode` and that these
    entries decide."""
    key = task if obs_mode == "state" else f"{task}/{obs_mode}"
    decided = []
    for target in CONTROLLER_TARGETS:
        if target.tasks is not None and key not in target.tasks:
            continue
        outcome = target.decide(controllers)
        if outcome is not None:
            decided.append(outcome)
    return decided
