"""One named controller's settings and object, for one batched environment."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.evaluation.trivial import TRIVIAL_CONTROLLERS, TrivialController
from actjepa.planner import ControllerConfig, SimulatorModel, configure_for, make_controller, parse_controller_name
from actjepa.planner.oracle import EncodedSimulatorModel


def controller_config(control: ControllerConfig, name: str, env: Any = None) -> ControllerConfig:
    """The settings of controller `name`: the shared settings, its method, and the env's action bounds."""
    cfg = control if name in TRIVIAL_CONTROLLERS else configure_for(name, control)
    if env is None:
        return cfg
    bounds = {
        "action_low": tuple(float(x) for x in env.action_low),
        "action_high": tuple(float(x) for x in env.action_high),
    }
    return replace(cfg, planner=replace(cfg.planner, **bounds))


def build_controller(name: str, model: Any, env: Any, control: ControllerConfig, prior: Any = None):
    """A named controller; the oracle plans on the simulator through the env's batched rollout."""
    cfg = controller_config(control, name, env)
    if name in TRIVIAL_CONTROLLERS:
        return TrivialController(name, env.action_dim, cfg)
    if name == "oracle":
        oracle = SimulatorModel(simulate=env.simulate, goal=lambda: env.desired_goal, action_dim=env.action_dim)
        return make_controller("oracle", oracle, cfg)
    if name == "oracle+cost":
        return make_controller("oracle+cost", encoded_oracle(model, env), cfg)
    if name == "policy" and prior is not None:
        return make_controller("policy", prior, cfg)
    _, with_prior = parse_controller_name(name)
    return make_controller(name, model, cfg, prior=prior if with_prior else None)


def encoded_oracle(model: Any, env: Any) -> EncodedSimulatorModel:
    """True dynamics scored with the learned model's encoder and cost (state observations only)."""
    if getattr(env, "obs_mode", "state") != "state" or not hasattr(env, "task"):
        raise UserError("oracle+cost needs a built-in task with state observations; drop it from --controller")

    def observe(actions):
        return env.simulate(actions, output="observation").astype("float32")

    return EncodedSimulatorModel(observe=observe, encoder_model=model, action_dim=env.action_dim)
