"""`actjepa import`: a Minari dataset (made by Minari's own writer) or an array file becomes a dataset."""

import warnings

import h5py
import numpy as np
import pytest

from actjepa.benchmarks.cli import main
from actjepa.envs.dataset import load_dataset
from tests.benchmarks.user_tasks import register_point
from tests.envs.tiny_goal_env import TinyPointGoal, expert


def run(capsys, *args):
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def _episode(env, seed, length=40):
    from minari.data_collector.episode_buffer import EpisodeBuffer

    obs, _ = env.reset(seed=seed)
    frames, actions = [obs], []
    for _ in range(length):
        action = expert({k: v[None] for k, v in obs.items()})[0].astype(np.float32)
        obs = env.step(action)[0]
        frames.append(obs)
        actions.append(action)
    return EpisodeBuffer(
        id=seed,
        seed=seed,
        observations={k: np.stack([f[k] for f in frames]) for k in obs},
        actions=np.stack(actions),
        rewards=[0.0] * length,
        terminations=[False] * length,
        truncations=[False] * (length - 1) + [True],
        infos={},
    )


@pytest.fixture
def minari_store(tmp_path, monkeypatch):
    """A local Minari store with a goal-dict dataset and one whose observations are plain arrays."""
    import minari

    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path / "minari"))
    env = TinyPointGoal()
    goals = [_episode(env, seed) for seed in range(3)]
    plain = [
        b.__class__(
            id=b.id,
            seed=b.seed,
            observations=b.observations["observation"],
            actions=b.actions,
            rewards=b.rewards,
            terminations=b.terminations,
            truncations=b.truncations,
            infos={},
        )
        for b in goals
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        minari.create_dataset_from_buffers(
            "cli/point-v0",
            goals,
            observation_space=env.observation_space,
            action_space=env.action_space,
            algorithm_name="pd",
        )
        minari.create_dataset_from_buffers(
            "cli/plain-v0",
            plain,
            action_space=env.action_space,
            observation_space=env.observation_space["observation"],
            algorithm_name="pd",
        )
    return goals


def test_import_minari_prints_the_summary(capsys, tmp_path, minari_store):
    register_point("import_point")
    out = tmp_path / "data" / "point.h5"
    code, stdout, err = run(capsys, "import", "--source", "cli/point-v0", "--task", "import_point", "--out", str(out))
    assert code == 0, err
    data = load_dataset(out)
    assert data.observations.shape == (3, 41, 4) and data.meta["import_source"] == "cli/point-v0"
    np.testing.assert_allclose(data.actions[1], minari_store[1].actions)
    for line in (
        f"file             {out}",
        "task             import_point",
        "source           import  (minari cli/point-v0",
        "episodes         3 x 40 steps = 120 transitions",
        "success rate     final step 100.0%",
    ):
        assert line in stdout


def test_minari_dataset_without_goals_is_one_line_and_writes_nothing(capsys, tmp_path, minari_store):
    register_point("import_point")
    out = tmp_path / "plain.h5"
    code, _, err = run(capsys, "import", "--source", "cli/plain-v0", "--task", "import_point", "--out", str(out))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "observations are not goal dicts" in err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["minari"]


def test_import_array_file_and_refuse_to_overwrite(capsys, tmp_path):
    register_point("import_point")
    rng = np.random.default_rng(0)
    achieved = rng.uniform(-0.3, 0.3, size=(2, 41, 2))
    arrays = {
        "observations": np.concatenate([achieved - [0.05, 0.0], np.zeros((2, 41, 2))], axis=-1),
        "actions": rng.uniform(-1, 1, size=(2, 40, 2)),
        "achieved_goals": achieved,
        "desired_goals": achieved[:, -1],
    }
    src = tmp_path / "mine.h5"
    with h5py.File(src, "w") as handle:
        for key, value in arrays.items():
            handle[key] = value
    out = tmp_path / "imported.h5"
    args = ("import", "--source", str(src), "--task", "import_point", "--out", str(out), "--goal-observations", "final")
    code, stdout, _ = run(capsys, *args)
    assert code == 0 and "source           import  (hdf5" in stdout
    np.testing.assert_allclose(load_dataset(out).goal_observations, arrays["observations"][:, -1], rtol=1e-6)
    before = out.read_bytes()
    code, _, err = run(capsys, *args)
    assert code == 2 and "--force" in err and out.read_bytes() == before
