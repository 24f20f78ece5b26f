"""Everything a protocol needs, checked before it creates a folder or runs a stage: one-line errors."""

from __future__ import annotations

from pathlib import Path

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.availability import check_controllers_available
from actjepa.benchmarks.experiments.data_efficiency import CURVES
from actjepa.benchmarks.experiments.protocols import ProtocolConfig


def protocol_controllers(cfg: ProtocolConfig) -> tuple[str, ...]:
    """Every controller some stage of the protocol runs: the comparison, the planners of its sweeps, and the
    controllers of the data-efficiency curves."""
    swept = cfg.horizon_planners if cfg.horizons or cfg.budgets else ()
    efficiency = [controller for controller, _ in CURVES.values()] if cfg.data_efficiency_demos else []
    return tuple(dict.fromkeys((*cfg.eval.controllers, *swept, *efficiency)))


def check_observations(cfg: ProtocolConfig) -> None:
    """Pixels only where the task renders them and the protocol's experiments can use them."""
    from actjepa.envs.registry import task_entry

    if cfg.obs_mode not in ("state", "pixels"):
        raise UserError(f"observations {cfg.obs_mode!r} are unknown; use state or pixels")
    if cfg.obs_mode == "state":
        if cfg.train.config.loss.image_shift:
            raise UserError("--image-shift augments pixel frames; drop it or run with --obs pixels")
        return
    if cfg.train.config.loss.obs_noise:
        raise UserError("--obs-noise perturbs state vectors; drop it or run with --obs state")
    if not task_entry(cfg.task).pixel_observations:
        raise UserError(f"task {cfg.task!r} has no pixel observations; run it with --obs state")
    if cfg.regimes:
        raise UserError("the regimes collect state observations only; run them with --obs state")
    if "oracle+cost" in protocol_controllers(cfg):
        raise UserError(
            "oracle+cost would render a frame for every imagined step of every candidate; "
            "leave it out with --controllers, or run with --obs state"
        )


def check_protocol(cfg: ProtocolConfig, folders: tuple[Path, ...] = ()) -> None:
    """The task exists and has an expert, every controller can run on it, training settings and device are
    valid, and `folders` are folders or absent; raises the first problem as a one-line error."""
    from actjepa import envs
    from actjepa.envs.experts import make_expert
    from actjepa.world_model.training.device import check_device

    envs.task_spec(cfg.task)
    try:
        make_expert(cfg.task)
    except envs.EnvError:
        raise UserError(
            f"task {cfg.task!r} has no expert, and a protocol collects its demonstrations with one; "
            "pass expert=... to envs.register_task"
        ) from None
    check_controllers_available(cfg.task, protocol_controllers(cfg))
    check_observations(cfg)
    t = cfg.train
    check_device(t.config.device)
    probs = (("final_goal_prob", t.final_goal_prob), ("task_goal_prob", t.task_goal_prob))
    for name, prob in (*probs, ("partial_goal_prob", t.partial_goal_prob)):
        if not 0.0 <= prob <= 1.0:
            raise UserError(f"{name} must be a probability in [0, 1], got {prob}")
    bad = [n for n in cfg.data_efficiency_demos if not 0 < n <= cfg.demonstrations]
    if bad:
        raise UserError(
            f"demonstration count {bad[0]} is outside 1-{cfg.demonstrations} (the demonstrations collected); "
            "choose --demos within it"
        )
    if any(n < 1 for n in cfg.budgets):
        raise UserError(f"sample budget {min(cfg.budgets)} is not a positive count; choose --budgets of 1 or more")
    if cfg.budgets and not cfg.compare:
        raise UserError("the sample-budget sweep plans with the comparison's model; run it with --protocol compare")
    if cfg.regimes:
        from actjepa.benchmarks.experiments.regimes import REGIMES, check_regimes

        check_regimes(cfg.task, cfg.regimes, (*cfg.seeds, cfg.collect_seed), REGIMES)
    for folder in folders:
        if folder.exists() and not folder.is_dir():
            raise UserError(f"{folder} is a file, not a folder; choose another path")
