"""Renaming a finished temporary file into place with the mode the user expects; messages for failed writes.

`tempfile.mkstemp` creates files with mode 0600; renamed as they are, every
checkpoint or plot would lose the permissions the user's umask allows, and a
rewritten file its earlier mode. The implementation is actjepa.common.files
(shared with envs); this module names it as world_model uses it.
"""

from __future__ import annotations

from actjepa.common.files import replace_into as replace_keeping_mode
from actjepa.common.files import write_failure_message

__all__ = ["replace_keeping_mode", "write_failure_message"]
