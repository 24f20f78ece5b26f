"""Headless rendering for every envs test (set before dm_control or mujoco choose a backend); a local Minari store."""

import os
import warnings

import numpy as np
import pytest

os.environ.setdefault("MUJOCO_GL", "egl")

from tests.envs.tiny_goal_env import TinyPointGoal, expert, register  # noqa: E402

LENGTHS = (40, 45, 30, 40)
"""Minari episode lengths: the task keeps 40 steps, so one is cut and one dropped."""


def _record(env, length, seed):
    """One episode as Minari's EpisodeBuffer (observations T+1 goal dicts, actions T)."""
    from minari.data_collector.episode_buffer import EpisodeBuffer

    obs, _ = env.reset(seed=seed)
    frames, actions = [obs], []
    rng = np.random.default_rng(seed)
    for _ in range(length):
        action = np.clip(expert({k: v[None] for k, v in obs.items()})[0] + 0.1 * rng.standard_normal(2), -1, 1)
        obs = env.step(action.astype(np.float32))[0]
        frames.append(obs)
        actions.append(action.astype(np.float32))
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


@pytest.fixture(scope="module")
def minari_home(tmp_path_factory):
    """A local Minari store with a goal dataset and a goal-less one, both written by minari itself."""
    import minari

    home = tmp_path_factory.mktemp("minari")
    old, os.environ["MINARI_DATASETS_PATH"] = os.environ.get("MINARI_DATASETS_PATH"), str(home)
    register("tiny_point")
    env = TinyPointGoal()
    buffers = [_record(env, length, seed) for seed, length in enumerate(LENGTHS)]
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
        for b in buffers
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        minari.create_dataset_from_buffers(
            "tiny/point-v0",
            buffers,
            observation_space=env.observation_space,
            action_space=env.action_space,
            algorithm_name="pd",
        )
        minari.create_dataset_from_buffers(
            "tiny/plain-v0",
            plain,
            observation_space=env.observation_space["observation"],
            action_space=env.action_space,
            algorithm_name="pd",
        )
    yield buffers
    if old is None:
        os.environ.pop("MINARI_DATASETS_PATH")
    else:
        os.environ["MINARI_DATASETS_PATH"] = old
