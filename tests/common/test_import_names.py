"""The installed project is imported as `actjepa.*`: other projects' `envs`, `planner`, `world_model` or
`benchmarks` packages on sys.path cannot shadow it, and every package folder is reachable under that name."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("envs", "planner", "world_model", "benchmarks")

SCRIPT = """
import sys
sys.path.insert(0, {shadow!r})
import envs, planner, world_model, benchmarks  # the other project's packages
assert all(m.OTHER for m in (envs, planner, world_model, benchmarks))
import numpy as np
import torch
from actjepa import envs as ours
from actjepa.planner import PlannerConfig, plan
from actjepa.world_model import ActJepa, ModelConfig
env = ours.make("reacher", num_envs=2)
obs = env.reset(seeds=[0, 1])
spec = env.spec
stats = dict(obs_mean=np.zeros(spec.obs_shape), obs_std=np.ones(spec.obs_shape),
             action_mean=np.zeros(spec.action_dim), action_std=np.ones(spec.action_dim))
model = ActJepa(ModelConfig(obs_shape=spec.obs_shape, action_dim=spec.action_dim), stats)
with torch.no_grad():
    z = model.encode(torch.as_tensor(obs["observation"])[:, None], torch.zeros(2, 0, spec.action_dim))
    z_goal = model.encode_goal(torch.as_tensor(obs["goal_observation"]))
    actions = plan(model, z, z_goal, PlannerConfig(num_samples=16, horizon=4, iterations=2)).actions
print(spec.name, tuple(actions.shape), type(model).__module__)
"""


def test_other_projects_packages_first_on_sys_path_do_not_shadow_the_project(tmp_path):
    for name in FOLDERS:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("OTHER = True\n")
    code = SCRIPT.format(shadow=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["reacher", "(2,", "4,", "2)", "actjepa.world_model.core.model"]


def test_every_package_folder_is_importable_under_actjepa():
    assert f"FOLDERS = {tuple(FOLDERS)!r}".replace("'", '"') in (ROOT / "setup.py").read_text()
    for folder in FOLDERS:
        for init in (ROOT / folder).rglob("__init__.py"):
            dotted = ".".join(init.parent.relative_to(ROOT).parts)
            __import__(f"actjepa.{dotted}")
