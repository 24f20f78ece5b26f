"""Batched latent model-predictive planning (CEM, MPPI) against a goal latent.

Imports only torch and numpy: models are accepted structurally through
:mod:`planner.protocol`.
"""

from planner.protocol import ActionPrior, LatentModel

__all__ = ["ActionPrior", "LatentModel"]
