"""Bring your own task: registered experts, name collisions, and the ACTJEPA_TASK_MODULES import."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from actjepa import envs
from actjepa.envs.collect import collect
from actjepa.envs.dataset import load_dataset
from actjepa.envs.errors import EnvError
from tests.envs.tiny_goal_env import TinyPointGoal, register

ROOT = Path(__file__).resolve().parents[2]


def test_collect_with_a_registered_expert(tmp_path):
    register("tiny_point")
    data = load_dataset(
        collect("tiny_point", "expert", episodes=6, noise=0.0, out=tmp_path / "d.h5", batch_size=4, progress=False)
    )
    assert data.observations.shape == (6, 41, 4) and data.actions.shape == (6, 40, 2)
    assert data.successes[:, -1].all()  # the PD expert reaches every goal
    np.testing.assert_allclose(data.goal_observations[:, :2] + [0.05, 0.0], data.desired_goals, atol=1e-6)


class _Policy:
    """A policy object in the Stable-Baselines3 style: predict(obs, deterministic) -> (actions, state)."""

    def __init__(self):
        self.deterministic = []

    def predict(self, obs, state=None, episode_start=None, deterministic=False):
        self.deterministic.append(deterministic)
        return np.clip(5.0 * (obs["desired_goal"] - obs["achieved_goal"]), -1, 1), None


def test_policy_object_as_expert():
    policy = _Policy()
    register("tiny_point_policy", expert=policy)
    expert = __import__("actjepa.envs.experts", fromlist=["make_expert"]).make_expert("tiny_point_policy")
    with envs.make("tiny_point_policy", num_envs=3) as env:
        obs = env.reset([0, 1, 2])
        actions = expert(env)
    np.testing.assert_allclose(actions, np.clip(5.0 * (obs["desired_goal"] - obs["achieved_goal"]), -1, 1))
    assert policy.deterministic and all(policy.deterministic)


def test_a_refused_expert_leaves_no_task():
    with pytest.raises(EnvError):
        register("tiny_bad", expert=lambda obs: np.zeros(2))
    assert "tiny_bad" not in envs.task_names()


def test_builtin_names_cannot_be_taken():
    with pytest.raises(EnvError):
        register("point_mass")
    assert envs.task_spec("point_mass").action_dim == 2 and envs.make("point_mass").spec.obs_shape == (4,)


def _run(args, cwd, modules):
    env = {**os.environ, "ACTJEPA_TASK_MODULES": modules, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)


def test_task_module_found_in_the_current_folder(tmp_path):
    """Like the console script, a script outside the folder does not put the folder on sys.path; envs does."""
    work, scripts = tmp_path / "work", tmp_path / "scripts"
    work.mkdir(), scripts.mkdir()
    shutil.copy(Path(__file__).with_name("tiny_goal_env.py"), work / "tiny_goal_env.py")
    (work / "my_tasks.py").write_text("import tiny_goal_env\ntiny_goal_env.register('tiny_from_cwd')\n")
    (scripts / "show.py").write_text(
        "from actjepa import envs\nprint(envs.task_names()[-1], envs.oracle_available('tiny_from_cwd'))\n"
    )
    result = _run([sys.executable, str(scripts / "show.py")], work, "my_tasks")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["tiny_from_cwd", "(True,", "'')"]


def test_broken_task_module_cannot_break_help(tmp_path):
    (tmp_path / "broken_tasks.py").write_text("raise RuntimeError('typo in my env')\n")
    help_run = _run([sys.executable, "-m", "actjepa.benchmarks.cli", "--help"], tmp_path, "broken_tasks")
    assert help_run.returncode == 0 and "usage" in help_run.stdout.lower(), help_run.stderr
    tasks_run = _run([sys.executable, "-m", "actjepa.benchmarks.cli", "tasks"], tmp_path, "broken_tasks")
    assert tasks_run.returncode == 2 and "Traceback" not in tasks_run.stderr
    assert tasks_run.stderr.strip().splitlines() == [
        "actjepa: error: cannot import task module 'broken_tasks' named in ACTJEPA_TASK_MODULES (RuntimeError: typo "
        "in my env); fix the error in broken_tasks (import it with python -c 'import broken_tasks' to see where)"
    ]


def test_collect_closes_the_gymnasium_envs(tmp_path):
    made, closed = [], []

    class Counting(TinyPointGoal):
        def __init__(self):
            super().__init__()
            made.append(self)

        def close(self):
            closed.append(self)
            super().close()

    register("tiny_count", factory=Counting)
    made.clear(), closed.clear()
    collect("tiny_count", "expert", episodes=5, batch_size=2, out=tmp_path / "c.h5", progress=False)
    assert len(made) == 3 and sorted(map(id, closed)) == sorted(map(id, made))  # batches of 2, 2 and 1
