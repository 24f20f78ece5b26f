"""ACT-JEPA world model: context and EMA target encoders, an action-conditioned
latent predictor, and a joint action/latent prediction head."""

from actjepa.world_model.core.config import ModelConfig
from actjepa.world_model.core.model import ActJepa
from actjepa.world_model.training.checkpoint import load_model, save_checkpoint
from actjepa.world_model.training.config import TrainConfig
from actjepa.world_model.training.diagnostics import open_loop_error

__all__ = ["ActJepa", "ModelConfig", "TrainConfig", "load_model", "open_loop_error", "save_checkpoint"]
