"""Built-in tasks load their MJCF from the installed package, whatever the current folder."""

import subprocess
import sys


def test_tasks_build_outside_the_source_folder(tmp_path):
    """The assets were looked up as the top-level package `envs`, which exists only when Python runs from the
    checkout; `actjepa collect` from any other folder stopped with ModuleNotFoundError."""
    code = "from actjepa import envs; e = envs.make('push', num_envs=1); print(e.observation_shape); e.close()"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "(8,)"
