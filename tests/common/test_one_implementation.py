"""envs and world_model write files through actjepa.common's one mode-keeping implementation."""

import errno

import actjepa.common.files as common
from actjepa.envs import atomic
from actjepa.world_model.training import file_modes


def test_envs_and_world_model_reuse_the_common_functions():
    assert atomic.replace_keeping_mode is common.replace_into
    assert atomic.atomic_write is common.atomic_write
    assert atomic.target_file_mode is common.target_mode
    assert file_modes.replace_keeping_mode is common.replace_into
    assert file_modes.write_failure_message is common.write_failure_message


def test_write_failure_messages_name_the_fix():
    full = OSError(errno.ENOSPC, "No space left on device")
    assert str(atomic.write_failure("a.h5", full)) == "no space left writing a.h5; free space or choose another --out"
    assert common.write_failure_message("x", OSError(errno.EFBIG, "too big")).startswith("file size limit reached")
    assert "permission denied" in common.write_failure_message("x", OSError(errno.EACCES, "denied"))
    assert common.write_failure_message("x", OSError(errno.EROFS, "Read-only file system")) == (
        "cannot write x (Read-only file system); choose another --out"
    )
