"""Our batched stepping of reacher and point_mass matches dm_control's own environments."""

import numpy as np
import pytest
from dm_control import suite

from actjepa import envs


@pytest.mark.parametrize("name", ["reacher", "point_mass"])
def test_stepping_matches_dm_control(name):
    dm_env = suite.load(name, "easy", task_kwargs={"random": 0})
    dm_env.reset()
    physics = dm_env.physics
    env = envs.make(name, num_envs=1)
    env.reset([7])
    with physics.reset_context():
        physics.data.qpos[:] = env.qpos[0]
        physics.data.qvel[:] = env.qvel[0]
    assert dm_env.control_timestep() == pytest.approx(env.model.opt.timestep * env.task.n_substeps)
    actions = np.random.default_rng(3).uniform(-1, 1, size=(50, env.action_dim))
    for action in actions:
        dm_env.step(action)
        env.step(action[None])
        np.testing.assert_allclose(env.qpos[0], physics.data.qpos, atol=1e-8)
        np.testing.assert_allclose(env.qvel[0], physics.data.qvel, atol=1e-7)
    if name == "reacher":  # our analytic fingertip equals MuJoCo's finger body position
        np.testing.assert_allclose(
            env.observe()["achieved_goal"][0], physics.named.data.geom_xpos["finger", :2], atol=1e-9
        )
