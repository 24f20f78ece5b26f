"""Batched latent model-predictive planning (CEM, MPPI) against a goal latent.

Imports only torch and numpy: models are accepted structurally through
:mod:`planner.protocol`.
"""

from actjepa.planner.config import ControllerConfig, PlannerConfig
from actjepa.planner.controller import (
    CONTROLLER_NAMES,
    Controller,
    configure_for,
    make_controller,
    parse_controller_name,
)
from actjepa.planner.errors import PlannerError
from actjepa.planner.oracle import SimulatorModel
from actjepa.planner.plan import PlanResult, plan
from actjepa.planner.protocol import ActionPrior, LatentModel

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
