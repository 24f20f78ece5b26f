"""Every bad input of the envs package in one table: the call, the error it raises, and the word its one-line
message must name (the option, the thing that is wrong, or the fix). A refused call writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actjepa import envs
from actjepa.envs.collect import collect
from actjepa.envs.dataset import WindowSampler, check_dataset_task, load_dataset, split_episodes
from actjepa.envs.dataset.importers import ImportConfig, import_dataset
from actjepa.envs.errors import DatasetError, EnvError
from actjepa.envs.experts import make_expert
from actjepa.envs.regimes import DataRegime, collect_regime
from actjepa.envs.regions import GoalRegion, seeds_inside
from actjepa.envs.seeds import training_seeds
from tests.envs.bad_input_setup import (
    Bad,
    PlainObs,
    array_file,
    dataset_file,
    expert_registration,
    file_bytes,
    files_under,
    full_disk,
    loaded_dataset,
    new_array,
    registered,
    slide_env,
    task_module,
    user_file,
)
from tests.envs.test_dataset import SCHEMA_VERSION, E
from tests.envs.test_goal_sampling import coded_dataset
from tests.envs.test_gym_adapter import SlideToGoal
from tests.envs.tiny_goal_env import goal_observation


def _collect(tmp: Path, **options) -> Path:
    return collect(**{"task": "reacher", "episodes": 2, "out": tmp / "x.h5", "progress": False, **options})


def _import(tmp: Path, source: str | None = None, task: str = "tiny_point") -> Path:
    return import_dataset(ImportConfig(source=source or str(tmp / "bad.npz"), task=task, out=tmp / "d.h5"))


BAD: dict[str, Bad] = {
    # dataset files
    "actions-is-a-group": Bad(
        load_dataset,
        DatasetError,
        "actions is a group",
        dataset_file(lambda f: (f.__delitem__("actions"), f.create_group("actions"))),
    ),
    "observations-of-bytes": Bad(
        load_dataset,
        DatasetError,
        "observations",
        dataset_file(lambda f: new_array(f, "observations", data=np.array([[b"bytes"] * 13] * E))),
    ),
    "actions-of-bytes": Bad(
        load_dataset,
        DatasetError,
        "actions",
        dataset_file(lambda f: new_array(f, "actions", data=np.array([b"x"] * E))),
    ),
    "float-episode-seeds": Bad(
        load_dataset,
        DatasetError,
        "episode_seeds",
        dataset_file(lambda f: new_array(f, "episode_seeds", data=np.zeros(E, np.float32))),
    ),
    "float-successes": Bad(
        load_dataset,
        DatasetError,
        "successes",
        dataset_file(lambda f: new_array(f, "successes", data=np.zeros((E, 13)))),
    ),
    "scalar-episode-seeds": Bad(
        load_dataset,
        DatasetError,
        "episode_seeds",
        dataset_file(lambda f: new_array(f, "episode_seeds", data=np.int64(3))),
    ),
    "scalar-actions": Bad(
        load_dataset,
        DatasetError,
        "episode counts",
        dataset_file(lambda f: new_array(f, "actions", data=np.float32(1.0))),
    ),
    "text-episode-count": Bad(
        load_dataset, DatasetError, "num_episodes", dataset_file(lambda f: f.attrs.__setitem__("num_episodes", "five"))
    ),
    "no-task": Bad(load_dataset, DatasetError, "task", dataset_file(lambda f: f.attrs.__delitem__("task"))),
    "achieved-goals-of-another-shape": Bad(
        load_dataset,
        DatasetError,
        "achieved_goals",
        dataset_file(lambda f: new_array(f, "achieved_goals", data=np.zeros((E, 13, 9), np.float32))),
    ),
    "no-actions": Bad(load_dataset, DatasetError, "actions", dataset_file(lambda f: f.__delitem__("actions"))),
    "newer-schema": Bad(
        load_dataset,
        DatasetError,
        "schema version",
        dataset_file(lambda f: f.attrs.__setitem__("schema_version", SCHEMA_VERSION + 1)),
    ),
    "nan-observation": Bad(
        load_dataset,
        DatasetError,
        "NaN",
        dataset_file(lambda f: f["observations"].__setitem__((0, 0, 0), np.nan)),
    ),
    "more-episodes-counted-than-written": Bad(
        load_dataset, DatasetError, "truncated", dataset_file(lambda f: f.attrs.__setitem__("num_episodes", E + 1))
    ),
    "desired-goals-of-another-shape": Bad(
        load_dataset,
        DatasetError,
        "collect it again",
        dataset_file(lambda f: new_array(f, "desired_goals", data=np.zeros((E, 3), np.float32))),
    ),
    "empty-file": Bad(load_dataset, DatasetError, "truncated", file_bytes(b"")),
    "bad-superblock": Bad(
        load_dataset, DatasetError, "truncated", file_bytes(b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 8)
    ),
    "random-bytes": Bad(load_dataset, DatasetError, "truncated", file_bytes(np.random.default_rng(0).bytes(5000))),
    "text-file": Bad(load_dataset, DatasetError, "unreadable", file_bytes(b"not a dataset")),
    **{
        f"first-{fraction:.0%}-of-a-file": Bad(load_dataset, DatasetError, "d.h5", file_bytes(fraction=fraction))
        for fraction in (0.1, 0.5, 0.9, 0.99)
    },
    "a-folder": Bad(load_dataset, DatasetError, "no dataset file"),
    "a-missing-file": Bad(lambda tmp: load_dataset(tmp / "missing.h5"), DatasetError, "no dataset file"),
    # datasets used for another task or observation mode, and data-loading options
    "dataset-of-another-task": Bad(
        lambda data: check_dataset_task(data, "maze", path="x.h5", context="the run being resumed was trained on it"),
        DatasetError,
        "actjepa collect --task maze",
        loaded_dataset,
    ),
    "state-dataset-for-pixels": Bad(
        lambda data: check_dataset_task(data, "reacher", "pixels"), DatasetError, "'pixels'", loaded_dataset
    ),
    "windows-longer-than-episodes": Bad(
        lambda data: WindowSampler(data, 10, 10, seed=0), DatasetError, "shorten", loaded_dataset
    ),
    **{
        f"task-goal-prob-{prob}": Bad(
            lambda tmp, p=prob: WindowSampler(coded_dataset(), 2, 3, seed=0, task_goal_prob=p),
            DatasetError,
            "task_goal_prob",
        )
        for prob in (-0.1, 1.5)
    },
    "no-episodes-to-split": Bad(lambda tmp: split_episodes(0, 0.1, seed=0), DatasetError, "collect at least one"),
    # seeds
    "negative-collection-seed": Bad(lambda tmp: _collect(tmp, seed=-1), EnvError, "--seed"),
    "negative-training-seed": Bad(lambda tmp: training_seeds(-3, 4), EnvError, "--seed"),
    "negative-split-seed": Bad(lambda tmp: split_episodes(5, 0.2, seed=-1), EnvError, "--seed"),
    "negative-sampler-seed": Bad(lambda data: WindowSampler(data, 2, 2, seed=-7), EnvError, "--seed", loaded_dataset),
    # collection options
    "collect-over-a-file": Bad(lambda out: _collect(out.parent, out=out), EnvError, "--force", user_file("keep.h5")),
    "collect-into-a-folder": Bad(
        lambda file: _collect(file.parent, out=file.parent, force=True), EnvError, "--out", user_file("f.txt")
    ),
    "collect-below-a-file": Bad(
        lambda file: _collect(file.parent, out=file / "data.h5", force=True), EnvError, "--out", user_file("f.txt")
    ),
    "negative-episodes": Bad(lambda tmp: _collect(tmp, episodes=-3), EnvError, "--episodes"),
    "collect-unknown-task": Bad(lambda tmp: _collect(tmp, task="nope"), EnvError, "unknown task"),
    "unknown-source": Bad(lambda tmp: _collect(tmp, source="random"), EnvError, "expert, play"),
    "negative-noise": Bad(lambda tmp: _collect(tmp, noise=-0.1), EnvError, "--noise"),
    "unknown-observation-mode": Bad(lambda tmp: _collect(tmp, obs_mode="depth"), EnvError, "state, pixels"),
    "episodes-beyond-the-free-space": Bad(
        lambda tmp: _collect(tmp, episodes=10**6, out=tmp / "sub" / "d.h5"), EnvError, "--episodes", full_disk
    ),
    "expert-data-of-a-task-without-expert": Bad(
        lambda tmp: _collect(tmp, task="tiny_point_noexpert", episodes=1),
        EnvError,
        "expert=",
        registered("tiny_point_noexpert", expert=None),
    ),
    "mix-over-a-file": Bad(
        lambda out: collect_regime("reacher", DataRegime(episodes=4, play_fraction=0.5), 0, out),
        EnvError,
        "--force",
        user_file("taken.h5"),
    ),
    "region-without-goals": Bad(lambda tmp: seeds_inside("reacher", GoalRegion(10.0, 10.0), 1), EnvError, "widen it"),
    # tasks and task modules
    "unknown-task-spec": Bad(lambda tmp: envs.task_spec("cartpole"), EnvError, "reacher, point_mass, maze, push"),
    "make-unknown-task": Bad(lambda tmp: envs.make("cartpole"), EnvError, "known tasks"),
    "unknown-expert": Bad(lambda tmp: make_expert("nope"), EnvError, "ACTJEPA_TASK_MODULES"),
    "unknown-task-without-modules": Bad(
        lambda tmp: envs.make("nope"),
        EnvError,
        "ACTJEPA_TASK_MODULES=<module>",
        lambda tmp, mp: mp.delenv("ACTJEPA_TASK_MODULES", raising=False),
    ),
    "missing-task-module": Bad(
        lambda tmp: envs.task_names(),
        EnvError,
        "no_such_task_module_here.py",
        lambda tmp, mp: mp.setenv("ACTJEPA_TASK_MODULES", "no_such_task_module_here"),
    ),
    "task-module-raises": Bad(
        lambda _: envs.task_names(), EnvError, "RuntimeError: boom", task_module("raise RuntimeError('boom\\nsecond')")
    ),
    "task-module-syntax": Bad(lambda _: envs.task_names(), EnvError, "SyntaxError", task_module("def broken(:\n")),
    "task-module-missing-import": Bad(
        lambda _: envs.task_names(), EnvError, "No module named", task_module("import a_module_not_anywhere")
    ),
    "reset-with-too-few-seeds": Bad(lambda tmp: envs.make("reacher", num_envs=2).reset([0]), EnvError, "seeds"),
    # registered tasks
    "adapter-actions-of-another-shape": Bad(
        lambda env: env.step(np.zeros((2, 3))), EnvError, "expected (2, 1)", slide_env
    ),
    "adapter-simulate-without-oracle": Bad(
        lambda env: env.simulate(np.zeros((2, 1, 1, 1))), EnvError, "not MuJoCo-based", slide_env
    ),
    "adapter-pixels": Bad(
        lambda env: envs.make("slide", num_envs=1, obs_mode="pixels"), EnvError, "obs_mode='state'", slide_env
    ),
    "register-a-builtin-name": Bad(
        lambda tmp: envs.register_task(
            "reacher", SlideToGoal, goal_observation, success_radius=0.1, max_episode_steps=5
        ),
        EnvError,
        "pick another name",
    ),
    "register-an-env-without-goal-dict": Bad(
        lambda tmp: envs.register_task(
            "tiny_plain", PlainObs, goal_observation, success_radius=0.1, max_episode_steps=5
        ),
        EnvError,
        "goal dict",
    ),
    "expert-of-one-action": Bad(
        lambda reg: reg(), EnvError, "expected (2, 2)", expert_registration(lambda obs: np.zeros(2))
    ),
    "expert-of-wider-actions": Bad(
        lambda reg: reg(),
        EnvError,
        "expected (2, 2)",
        expert_registration(lambda obs: np.zeros((len(obs["observation"]), 3))),
    ),
    "expert-that-fails": Bad(lambda reg: reg(), EnvError, "KeyError", expert_registration(lambda obs: obs["missing"])),
    "expert-of-no-kind": Bad(lambda reg: reg(), EnvError, "predict", expert_registration(42)),
    # imported demonstrations
    "import-without-achieved-goals": Bad(
        _import, DatasetError, "achieved_goals", array_file(lambda a: a.pop("achieved_goals"))
    ),
    "import-actions-of-another-shape": Bad(
        _import, DatasetError, "expected (3, 40, 2)", array_file(lambda a: a.update(actions=a["actions"][..., :1]))
    ),
    "import-moving-goals": Bad(
        _import,
        DatasetError,
        "desired_goal",
        array_file(
            lambda a: a.update(desired_goals=np.repeat(a["desired_goals"][:, None], 41, 1) + np.arange(41)[:, None])
        ),
    ),
    "import-nan-observation": Bad(
        _import, DatasetError, "NaN", array_file(lambda a: a["observations"].__setitem__((0, 0, 0), np.nan))
    ),
    "import-over-a-file": Bad(_import, EnvError, "--force", array_file(taken=True)),
    "import-unknown-task": Bad(lambda tmp: _import(tmp, task="nope"), EnvError, "unknown task", array_file()),
    "minari-without-goals": Bad(
        lambda tmp: _import(tmp, source="tiny/plain-v0"), DatasetError, "goal dicts", fixtures=("minari_home",)
    ),
    "minari-dataset-not-downloaded": Bad(
        lambda tmp: _import(tmp, source="tiny/none-v0"),
        DatasetError,
        "minari download tiny/none-v0",
        fixtures=("minari_home",),
    ),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_input_is_one_line_naming_the_fix(case, tmp_path, monkeypatch, request):
    for name in case.fixtures:
        request.getfixturevalue(name)
    given_input = case.prepare(tmp_path, monkeypatch)
    before = files_under(tmp_path)
    with pytest.raises(case.error) as info:
        case.call(given_input)
    message = str(info.value)
    assert "\n" not in message and case.word in message, message
    assert files_under(tmp_path) == before, "a refused call changed or left files"
