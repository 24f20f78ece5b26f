"""Errors the environments and datasets raise for their users."""


class EnvError(ValueError):
    """A bad task name, action, or option; the message says what to do."""


class DatasetError(EnvError):
    """A dataset file that is missing, malformed, truncated, or of another schema."""
