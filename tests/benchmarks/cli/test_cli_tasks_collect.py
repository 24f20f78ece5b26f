"""`actjepa tasks` and `actjepa collect`: output, one-line errors with exit code 2, no silent overwrite."""

import os
import subprocess
import sys

from actjepa.benchmarks.cli import main
from actjepa.envs.dataset import load_dataset


def run(capsys, *args):
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tasks_table(capsys):
    code, out, _ = run(capsys, "tasks")
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:6]}
    assert rows["reacher"][1:5] == ["8", "2", "2", "80"] and "0.03" in " ".join(rows["reacher"])
    assert rows["push"][1:5] == ["8", "2", "2", "80"] and "0.04" in " ".join(rows["push"])
    assert set(rows) == {"reacher", "point_mass", "maze", "push"}
    assert "64x64x3" in out


def test_collect_then_inspect(capsys, tmp_path):
    out_file = tmp_path / "r.h5"
    code, out, _ = run(
        capsys,
        "collect",
        "--task",
        "point_mass",
        "--episodes",
        "5",
        "--noise",
        "0.1",
        "--out",
        str(out_file),
        "--seed",
        "3",
        "--no-progress",
    )
    assert code == 0 and load_dataset(out_file).num_episodes == 5
    code, out, _ = run(capsys, "collect", "--inspect", str(out_file))
    assert code == 0
    for expected in ("point_mass", "expert", "noise 0.1", "5 x 100 steps", "success rate", "schema version   1"):
        assert expected in out


def test_console_script_exit_code(tmp_path):
    """The real entry point in a subprocess: a negative count exits non-zero with one line, no traceback."""
    env = {**os.environ, "MUJOCO_GL": "egl"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "actjepa.benchmarks.cli",
            "collect",
            "--episodes",
            "-1",
            "--out",
            str(tmp_path / "a.h5"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["actjepa: error: --episodes must be a positive number, got -1"]
