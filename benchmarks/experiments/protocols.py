"""Named experiment protocols: what `actjepa demo` and `actjepa reproduce` run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Annotated, Any

import tyro

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.config import EVAL_CONTROLLERS, EvalConfig
from actjepa.benchmarks.experiments.training import TrainSettings
from actjepa.planner import ControllerConfig, PlannerConfig


@dataclass(frozen=True)
class ProtocolConfig:
    """Every setting of one end-to-end run: data, training, evaluation and experiments."""

    task: str = "reacher"
    "Task to run the protocol on."
    demonstrations: int = 200
    "Expert episodes collected for training."
    noise: float = 0.1
    "Expert action noise (fraction of the action range) in the demonstrations."
    collect_seed: int = 0
    "Seed of the demonstrations' starts, goals and noise."
    obs_mode: Annotated[str, tyro.conf.arg(aliases=("--obs",))] = "state"
    "Observations of the data and the models: 'state' vectors or 64x64 'pixels' (goals are then images too)."
    train: Annotated[TrainSettings, tyro.conf.OmitArgPrefixes] = field(default_factory=TrainSettings)
    "Training of both models (ACT-JEPA and BC)."
    eval: EvalConfig = field(default_factory=lambda: EvalConfig(controllers=EVAL_CONTROLLERS))
    "The controller comparison: controllers, episodes, and the base budget every experiment starts from."
    seeds: tuple[int, ...] = (0,)
    (
        "Training seeds of the controller comparison: one ACT-JEPA and one BC model each, episodes pooled over "
        "them (the oracles run once); the first seed's models serve every other experiment."
    )
    baseline: Annotated[bool, tyro.conf.FlagConversionOff] = True
    "Also train the behaviour-cloning baseline and compare its policy, and its head as planning prior."
    horizons: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
    "Planning horizons of the horizon sweep (empty skips it)."
    horizon_planners: tuple[str, ...] = ("cem", "mppi", "cem+prior", "mppi+prior")
    "Planners drawn in the sweeps."
    sweep_episodes: int = 50
    "Held-out episodes per point of the sweeps and per seed of the data-efficiency experiment."
    budgets: tuple[int, ...] = ()
    "Sample counts N of the sample-budget sweep (empty skips it)."
    data_efficiency_demos: Annotated[tuple[int, ...], tyro.conf.arg(aliases=("--demos",))] = ()
    "Demonstration counts of the data-efficiency experiment (empty skips it)."
    data_efficiency_seeds: tuple[int, ...] = (0, 1, 2)
    "Training seeds per demonstration count."
    data_efficiency_steps: int | None = None
    "Optimizer steps of each data-efficiency model (None keeps the training steps)."
    training_steps: tuple[int, ...] = ()
    "Training lengths of the planning-against-training-steps experiment (empty skips it)."
    compare: bool = True
    (
        "Train the comparison models and compare controllers (and run the sweeps, open loop and data "
        "efficiency); off for protocols whose experiments train their own models."
    )
    ablation: bool = False
    "Run the ablation table: the planning-quality changes switched on one at a time (experiments/ablation.py)."
    regularizer_sweep: bool = False
    "Run the anti-collapse sweep: one model per regularizer and weight (experiments/regularizer_sweep.py)."
    regimes: tuple[str, ...] = ()
    (
        "Regimes of the planning-against-policy experiment (experiments/regimes.py), each trained once per "
        "training seed and written to regimes/TASK.json (empty skips it)."
    )

    def with_device(self, device: str) -> ProtocolConfig:
        """The same protocol trained and evaluated on another torch device."""
        control = replace(self.eval.control, device=device)
        return replace(self, train=self.train.with_changes(device=device), eval=replace(self.eval, control=control))

    def record(self) -> dict[str, Any]:
        """The protocol as protocol.json records it (the training settings as TrainSettings.record gives them)."""
        return {**asdict(self), "train": self.train.record()}


DEMO_CONTROLLERS = ("policy", "mppi", "mppi+prior", "oracle", "zero", "random")
(
    "The demo's comparison: the policy, MPPI with and without the head's prior, the simulator oracle, and the "
    "zero and random actions (what the task scores with nothing learned); "
    "CEM and the latent-scored oracle are left to `reproduce --controllers` so the demo stays within 15 minutes "
    "on 2 CPU cores."
)
DEMO_CONTROL = ControllerConfig(planner=PlannerConfig(compile="off"))
(
    "The demo plans eagerly: its evaluations are a few dozen plans per shape, and on a cold inductor cache "
    "compiling the first plan of each new horizon cost more time than the compiled plans saved (measured once, "
    "on the 2-core machine, when this was chosen; no results file records it)."
)


PROTOCOLS: dict[str, ProtocolConfig] = {
    "demo": ProtocolConfig(
        train=TrainSettings.of_preset("demo"),
        eval=EvalConfig(controllers=DEMO_CONTROLLERS, episodes=50, control=DEMO_CONTROL),
        horizon_planners=("mppi", "mppi+prior"),
        sweep_episodes=25,
    ),
    "compare": ProtocolConfig(
        train=TrainSettings.of_preset("demo"),
        eval=EvalConfig(controllers=("policy", "mppi+prior", "oracle", "oracle+cost", "zero", "random"), episodes=50),
        seeds=(0, 1, 2),
        baseline=False,
        horizons=(),
    ),
    "efficiency": ProtocolConfig(
        train=TrainSettings.of_preset("demo"),
        eval=EvalConfig(controllers=("policy", "mppi+prior"), episodes=50),
        horizons=(),
        data_efficiency_demos=(10, 25, 50),
        sweep_episodes=25,
    ),
    "ablation": ProtocolConfig(
        train=TrainSettings.of_preset("demo"),
        eval=EvalConfig(controllers=("policy", "mppi+prior"), episodes=50),
        horizons=(),
        compare=False,
        ablation=True,
    ),
    "regularizer": ProtocolConfig(
        train=TrainSettings.of_preset("demo"),
        eval=EvalConfig(controllers=("policy", "mppi", "mppi+prior"), episodes=50, split="validation"),
        horizons=(),
        compare=False,
        regularizer_sweep=True,
    ),
    "steps": ProtocolConfig(
        eval=EvalConfig(controllers=("policy", "mppi+prior"), episodes=50),
        horizons=(),
        compare=False,
        training_steps=(400, 800, 1600, 3000, 6000),
    ),
    "regimes": ProtocolConfig(
        train=TrainSettings.of_preset("demo"),
        eval=EvalConfig(controllers=("policy", "mppi", "mppi+prior", "oracle"), episodes=50),
        seeds=(0, 1, 2),
        horizons=(),
        compare=False,
        regimes=("expert", "noisy-0.3", "noisy-0.6", "play", "mix", "expert-10", "expert-50", "goal-shift", "kick"),
    ),
    "full": ProtocolConfig(
        budgets=(16, 32, 64, 128, 256, 512),
        data_efficiency_demos=(10, 25, 50, 100, 200),
        training_steps=(400, 800, 1600, 3000, 6000),
    ),
}
"""'demo': reacher in minutes on 2 CPU cores; 'compare': controllers only, any task, a few minutes;
'efficiency': ACT-JEPA against BC at 10/25/50 demonstrations, 3 seeds, demo training; 'ablation': the
planning-quality changes one at a time (ablation.json only); 'regularizer': the anti-collapse term and weight,
one model each, on the validation split (regularizer.json only); 'steps': planning against training length,
one model per length, default training (training_steps.json only); 'regimes': policy against planning over
data regimes and perturbations, 3 seeds, demo training (regimes/TASK.json); 'full': the complete
protocol of one task."""


def protocol(
    name: str, task: str | None = None, train_steps: int | None = None, device: str | None = None
) -> ProtocolConfig:
    """A named protocol, optionally on another task, with other training steps or on another device."""
    if name not in PROTOCOLS:
        raise UserError(f"protocol {name!r} is unknown; use one of {', '.join(PROTOCOLS)}")
    cfg = PROTOCOLS[name]
    if task is not None:
        cfg = replace(cfg, task=task)
    if train_steps is not None:
        cfg = replace(cfg, train=cfg.train.with_changes(steps=train_steps))
    return cfg if device is None else cfg.with_device(device)
