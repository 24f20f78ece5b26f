"""Refusing a bad `actjepa reproduce ogbench` request in one line, before anything is generated, trained or
written."""

from __future__ import annotations

from actjepa.benchmarks.ogbench.evaluation import SUBGOAL_PREFIX
from actjepa.benchmarks.ogbench.suite import OGBenchSuite
from actjepa.planner.partial_goal import PARTIAL_PREFIX


def _inner_name(name: str) -> str:
    """The planner controller a (subgoal: or partial:) OGBench controller name wraps."""
    return name.removeprefix(SUBGOAL_PREFIX).removeprefix(PARTIAL_PREFIX)


def check_suite(suite: OGBenchSuite) -> None:
    """One-line UserError for a bad request, before anything is generated, trained or written."""
    from actjepa import envs
    from actjepa.benchmarks.errors import UserError
    from actjepa.envs.dataset import load_dataset
    from actjepa.envs.ogbench import recipe
    from actjepa.envs.seeds import EVALUATION_SEED_BASE
    from actjepa.planner import CONTROLLER_NAMES

    rec = recipe(suite.dataset)
    names = [*suite.controllers, *suite.baseline_controllers]
    unknown = [n for n in names if _inner_name(n) not in CONTROLLER_NAMES or "oracle" in n]
    if unknown:
        raise UserError(
            f"unknown controller {unknown[0]!r} for OGBench; "
            "use policy, cem, mppi (+prior), subgoal:<one>, partial:<one>"
        )
    spec = envs.task_spec(rec.env)
    partial = [n for n in names if n.startswith(PARTIAL_PREFIX)] + ["--partial-goal-prob"] * (
        suite.partial_goal_prob > 0
    )
    if partial and spec.goal_obs_dims is None:
        raise UserError(
            f"{partial[0]} needs goals that constrain part of the observation; {rec.env}'s constrain all of it"
        )
    if not 0.0 <= suite.partial_goal_prob <= 1.0:
        raise UserError(f"--partial-goal-prob must be a probability in [0, 1], got {suite.partial_goal_prob}")
    if not names:
        raise UserError("--controllers and --baseline-controllers are both empty; name at least one controller")
    if suite.baseline_chunk is not None and suite.baseline_chunk < 1:
        raise UserError(f"--baseline-chunk must be at least 1, got {suite.baseline_chunk}")
    if not suite.seeds or any(not 0 <= s < EVALUATION_SEED_BASE for s in suite.seeds):
        raise UserError(f"--seeds must be one or more training seeds in [0, 2**31), got {list(suite.seeds)}")
    if suite.evaluation.split not in ("test", "validation") or suite.evaluation.episodes_per_task < 1:
        raise UserError("--split must be test or validation and --episodes-per-task at least 1")
    path = suite.data_path()
    if path.exists():
        meta = load_dataset(path).meta
        if meta.get("task") != rec.env or '"name": "' + rec.name + '"' not in str(meta.get("ogbench_recipe", "")):
            raise UserError(
                f"{path} holds {meta.get('task')!r} data of another recipe, not {rec.name}; move it away or pass "
                "another --data-dir"
            )
