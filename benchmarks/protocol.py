"""Named experiment protocols: what `actjepa demo` and `actjepa reproduce` run."""

from __future__ import annotations

from dataclasses import dataclass, replace

from benchmarks.errors import UserError

ALL_CONTROLLERS = ("policy", "cem", "mppi", "cem+prior", "mppi+prior", "oracle")


@dataclass(frozen=True)
class ProtocolConfig:
    """Every setting of one end-to-end run: data, training, evaluation and experiments."""

    task: str = "reacher"
    "Task to run the protocol on."
    demonstrations: int = 200
    "Expert episodes collected for training."
    noise: float = 0.1
    "Expert action noise (fraction of the action range) in the demonstrations."
    train_preset: str = "default"
    "Training preset of both models (world_model.train_config.PRESETS)."
    train_steps: int | None = None
    "Override of the preset's optimizer steps."
    eval_episodes: int = 100
    "Held-out episodes per controller in the comparison."
    batch_size: int = 50
    "Episodes evaluated side by side."
    num_samples: int = 512
    "N of every planner at the base budget."
    horizon: int = 16
    "H of every planner at the base budget."
    iterations: int = 6
    "Refinement rounds per plan at the base budget."
    replan_every: int = 4
    "Actions executed per plan."
    controllers: tuple[str, ...] = ALL_CONTROLLERS
    "Controllers compared on the ACT-JEPA checkpoint."
    horizons: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
    "Planning horizons of the horizon sweep."
    horizon_planners: tuple[str, ...] = ("cem", "mppi", "cem+prior", "mppi+prior")
    "Planners drawn in the horizon plot."
    sweep_episodes: int = 50
    "Held-out episodes per point of the sweeps."
    budgets: tuple[int, ...] = ()
    "Sample counts N of the sample-budget sweep (empty skips it)."
    data_efficiency_demos: tuple[int, ...] = ()
    "Demonstration counts of the data-efficiency experiment (empty skips it)."
    data_efficiency_seeds: tuple[int, ...] = (0, 1, 2)
    "Training seeds per demonstration count."
    data_efficiency_steps: int | None = None
    "Optimizer steps of each data-efficiency model (None keeps the preset's)."
    seed: int = 0
    "Seed of data collection, training and planning noise."
    device: str = "cpu"
    "'cpu' or 'cuda'."


PROTOCOLS: dict[str, ProtocolConfig] = {
    "demo": ProtocolConfig(
        task="reacher", demonstrations=200, train_preset="demo", eval_episodes=50, batch_size=50,
        horizons=(1, 2, 4, 8, 16, 32), sweep_episodes=25,
    ),
    "compare": ProtocolConfig(
        train_preset="demo", eval_episodes=50, controllers=("policy", "mppi", "mppi+prior", "oracle"),
        horizons=(),
    ),
    "efficiency": ProtocolConfig(
        train_preset="demo", controllers=("policy", "mppi+prior"), eval_episodes=50, horizons=(),
        data_efficiency_demos=(10, 25, 50), data_efficiency_seeds=(0, 1, 2), sweep_episodes=25,
    ),
    "full": ProtocolConfig(
        demonstrations=200, train_preset="default", eval_episodes=100, batch_size=50,
        budgets=(16, 32, 64, 128, 256, 512), data_efficiency_demos=(10, 25, 50, 100, 200),
        data_efficiency_seeds=(0, 1, 2),
    ),
}
("'demo': reacher in minutes on 2 CPU cores; 'compare': controllers only, any task, a few minutes; "
 "'efficiency': ACT-JEPA against BC at 10/25/50 demonstrations, 3 seeds, demo training; "
 "'full': the complete protocol of one task.")


def protocol(name: str, **overrides) -> ProtocolConfig:
    """A named protocol with some fields replaced (None values are ignored)."""
    if name not in PROTOCOLS:
        raise UserError(f"protocol {name!r} is unknown; use one of {', '.join(PROTOCOLS)}")
    return replace(PROTOCOLS[name], **{k: v for k, v in overrides.items() if v is not None})
