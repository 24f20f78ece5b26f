"""Small helpers every package may use: atomic file writes that keep modes, and the project version.

This package imports only the standard library, so `envs`, `world_model` and
`benchmarks` can all depend on it without breaking the import direction
(`planner` does not need it and does not import it).
"""

from actjepa.common.files import atomic_write, file_sha256, replace_into, write_text_atomic
from actjepa.common.version import package_version

__all__ = ["atomic_write", "file_sha256", "package_version", "replace_into", "write_text_atomic"]
