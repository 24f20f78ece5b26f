"""The "Bring your own environment" example (docs/adapter.md), run as written through the real entry point.

The commands are read from that page (so the test and the documentation cannot drift apart), run with
`python -m benchmarks.cli` from a folder that holds only the user's module, with fewer episodes and steps
appended (a later option wins). PYTHONSAFEPATH keeps Python from putting that folder on sys.path itself
(Python 3.11+), as with the installed `actjepa` script, so the task-module import has to search it.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from actjepa.envs.dataset import load_dataset

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "adapter.md"
"The page the README sends a user with their own environment to."
PREFIX = "ACTJEPA_TASK_MODULES=my_tasks actjepa "
SMALLER = {
    "tasks": [],
    "collect": ["--episodes", "30", "--no-progress"],
    "train": ["--steps", "40", "--batch-size", "64", "--no-progress"],
    "eval": ["--episodes", "8", "--num-samples", "64", "--horizon", "8", "--iterations", "2"],
}


def readme_commands() -> list[list[str]]:
    """The example's commands in README order, continuation lines joined, without the variable and `actjepa`."""
    text = GUIDE.read_text().replace("\\\n", " ")
    section = text[text.index("## A worked example") : text.index("## What you give")]
    return [shlex.split(line[len(PREFIX) :]) for line in section.splitlines() if line.startswith(PREFIX)]


def test_readme_shows_the_example_modules_registration():
    text = GUIDE.read_text()
    section = text[text.index("## A worked example") : text.index("## What you give")]
    snippet = section.split("```python\n")[1].split("```")[0]
    assert snippet.startswith("envs.register_task(") and snippet in (ROOT / "docs/examples/my_tasks.py").read_text()


def test_readme_example_end_to_end(tmp_path):
    shutil.copy(ROOT / "docs" / "examples" / "my_tasks.py", tmp_path / "my_tasks.py")
    env = {
        **os.environ,
        "ACTJEPA_TASK_MODULES": "my_tasks",
        "PYTHONPATH": str(ROOT),
        "PYTHONSAFEPATH": "1",
        "OMP_NUM_THREADS": "1",
        "MUJOCO_GL": os.environ.get("MUJOCO_GL", "egl"),
    }
    commands = readme_commands()
    assert [c[0] for c in commands] == ["tasks", "collect", "train", "eval"]
    outputs = []
    for args in commands:
        done = subprocess.run(
            [sys.executable, "-m", "actjepa.benchmarks.cli", *args, *SMALLER[args[0]]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr[-2000:])
        outputs.append(done.stdout)
    row = next(line.split() for line in outputs[0].splitlines() if line.startswith("slide_point"))
    assert row[1:10] == ["4", "2", "2", "40", "no", "yes", "yes", "yes", "goal"]  # shapes, steps, support

    data = load_dataset(tmp_path / "data" / "slide.h5")
    assert data.meta["task"] == "slide_point" and data.observations.shape == (30, 41, 4)
    assert data.successes[:, -1].mean() >= 0.9  # the registered expert reaches its goals

    results = json.loads((tmp_path / "results" / "slide" / "results.json").read_text())
    controllers = results["controllers"]
    assert results["task"] == "slide_point" and results["episodes"] == 8
    assert set(controllers) == {"policy", "mppi", "mppi+prior", "oracle"}
    assert all(c["episodes"] == 8 and 0.0 <= c["success_rate"] <= 1.0 for c in controllers.values())
    assert controllers["oracle"]["success_rate"] >= 0.75  # planning on the true simulator reaches the goals
    assert np.isfinite(controllers["mppi+prior"]["mean_final_distance"])
    assert "| `oracle` |" in outputs[3] and "results.json" in outputs[3]

    del env["ACTJEPA_TASK_MODULES"]  # the same checkpoint, evaluated without the variable
    again = [sys.executable, "-m", "actjepa.benchmarks.cli", *commands[3], "--out", "results/again"]
    done = subprocess.run(again, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr[-2000:]
    assert "unknown task 'slide_point'" in done.stderr and "set ACTJEPA_TASK_MODULES=<module>" in done.stderr
    assert not (tmp_path / "results" / "again").exists()
