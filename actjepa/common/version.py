"""The project's version, looked up in one place."""

from __future__ import annotations

from importlib import metadata

UNKNOWN_VERSION = "0+unknown"
"Recorded when the project runs from a source tree that was never installed."


def package_version() -> str:
    """Installed version of the `actjepa` distribution, or UNKNOWN_VERSION when it is not installed."""
    try:
        return metadata.version("actjepa")
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION
