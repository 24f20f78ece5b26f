"""Batched latent model-predictive planning (CEM, MPPI) against a goal latent.

Imports only torch and numpy: models are accepted structurally through
:mod:`planner.protocol`.
"""

from planner.config import ControllerConfig, PlannerConfig
from planner.controller import CONTROLLER_NAMES, Controller, configure_for, make_controller, parse_controller_name
from planner.errors import PlannerError
from planner.oracle import SimulatorModel
from planner.plan import PlanResult, plan
from planner.protocol import ActionPrior, LatentModel

__all__ = [
    "CONTROLLER_NAMES",
    "ActionPrior",
    "Controller",
    "ControllerConfig",
    "LatentModel",
    "PlanResult",
    "PlannerConfig",
    "PlannerError",
    "SimulatorModel",
    "configure_for",
    "make_controller",
    "parse_controller_name",
    "plan",
]
