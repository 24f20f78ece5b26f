"""Errors the world model raises for its users."""


class WorldModelError(ValueError):
    """A bad model input, training input or checkpoint; the message says what to do."""


class CheckpointError(WorldModelError):
    """A checkpoint that is missing, malformed, or does not match what was asked for."""
