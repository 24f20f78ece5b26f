"""Errors the command line reports as one line."""


class UserError(ValueError):
    """A bad command-line request; the message says what is wrong and what to do."""
