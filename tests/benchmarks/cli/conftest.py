"""Shared fixtures of the command-line tests: an in-process runner, a small dataset, a checkpoint."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from actjepa.benchmarks.cli import main


def invoke(*args) -> tuple[int, str, str]:
    """Run the CLI in-process with stdout and stderr captured by the caller; the exit code (0 on return)."""
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return (exc.code if isinstance(exc.code, int) else 1), "", ""
    return 0, "", ""


@pytest.fixture
def cli(capsys):
    """cli(*args) -> (exit code, stdout, stderr) of one in-process `actjepa` invocation."""

    def run(*args):
        code, _, _ = invoke(*args)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture(scope="session")
def point_mass_data(tmp_path_factory) -> Path:
    """A point-mass demonstration file of 6 episodes."""
    path = tmp_path_factory.mktemp("cli-data") / "pm.h5"
    code, _, _ = invoke("collect", "--task", "point_mass", "--episodes", "6", "--out", path, "--no-progress")
    assert code == 0
    return path


@pytest.fixture(scope="session")
def point_mass_checkpoint(tmp_path_factory, point_mass_data) -> Path:
    """A point-mass model trained for 2 steps."""
    out = tmp_path_factory.mktemp("cli-ckpt") / "run"
    args = ("--steps", "2", "--batch-size", "8", "--no-progress")
    code, _, _ = invoke("train", "--data", point_mass_data, "--out", out, *args)
    assert code == 0
    return out


@pytest.fixture
def unwritable_dir(tmp_path) -> Path:
    """A folder no file can be created in: mode 0555 for a normal user, /sys (read-only) for root."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o555)
        yield folder
        folder.chmod(0o755)
        return
    try:
        tempfile.NamedTemporaryFile(dir="/sys").close()
    except OSError:
        yield Path("/sys")
        return
    pytest.skip("no unwritable folder available as root")


def one_line_error(code: int, err: str) -> str:
    """The single error line of a failed invocation (asserts exit 2, one line, no traceback)."""
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, (code, err)
    assert lines[0].startswith("actjepa: error: ")
    return lines[0]
