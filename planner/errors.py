"""Errors the planner raises for its users."""


class PlannerError(ValueError):
    """A planning request that cannot be carried out; the message says what to change."""
