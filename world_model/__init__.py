"""ACT-JEPA world model: context and EMA target encoders, an action-conditioned
latent predictor, and a joint action/latent prediction head."""

from actjepa.world_model.checkpoint import load_model, save_checkpoint
from actjepa.world_model.config import ModelConfig
from actjepa.world_model.diagnostics import open_loop_error
from actjepa.world_model.model import ActJepa
from actjepa.world_model.train_config import TrainConfig

__all__ = ["ActJepa", "ModelConfig", "TrainConfig", "load_model", "open_loop_error", "save_checkpoint"]
