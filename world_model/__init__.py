"""ACT-JEPA world model: context and EMA target encoders, an action-conditioned
latent predictor, and a joint action/latent prediction head."""
