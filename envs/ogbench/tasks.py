"""The OGBench evaluation environments registered as tasks (specs known without building an environment).

A spec states what the environment itself defines (shapes, OGBench's success rule and time limit); a test
builds each environment and checks its spec against it, so registering costs no import of ogbench.
"""

from __future__ import annotations

from actjepa.envs.ogbench.vec_env import OGBenchVecEnv
from actjepa.envs.registry import TaskEntry, add_entry
from actjepa.envs.spec import TaskSpec

ORACLE_PROBLEM = (
    "OGBench environments move their bodies outside mujoco.rollout's reach (the point writes its position "
    "directly, the arm runs an inverse-kinematics controller in Python), so candidates cannot be simulated in batch"
)
"""Why the simulator oracle is not offered on OGBench tasks."""


CUBE_XYZ = (19, 20, 21)
"""Entries of a cube-single observation holding the cube's scaled xyz: after the arm's 19 (joint positions and
velocities, effector xyz, yaw cosine and sine, gripper opening and contact). OGBench's own goal representation of
the task (`compute_oracle_observation`), and all that its success rule checks."""


def _maze(name: str, size: str) -> TaskSpec:
    return TaskSpec(
        name=name,
        obs_shape=(2,),
        action_dim=2,
        goal_dim=2,
        success_radius=1.0,
        max_episode_steps=1000,
        description=f"OGBench point mass in the {size} maze; observation: its xy position only",
        success_rule="the point is within 1.0 of the goal's xy (OGBench's rule, judged by the environment)",
    )


OGBENCH_SPECS: dict[str, TaskSpec] = {
    "pointmaze-medium-v0": _maze("pointmaze-medium-v0", "medium"),
    "pointmaze-large-v0": _maze("pointmaze-large-v0", "large"),
    "cube-single-v0": TaskSpec(
        name="cube-single-v0",
        obs_shape=(28,),
        action_dim=5,
        goal_dim=3,
        success_radius=0.04,
        max_episode_steps=200,
        description="OGBench UR5e arm with one cube; observation: joints, effector, gripper and cube pose",
        success_rule="the cube's xyz is within 0.04 of the target's (OGBench's rule, judged by the environment)",
        goal_obs_dims=CUBE_XYZ,
    ),
}
"""Specs of the OGBench environments the datasets of recipes.RECIPES are collected in."""


def register_ogbench_tasks() -> None:
    """Add every OGBench environment of the recipes to the task registry, as built-in tasks."""
    for spec in OGBENCH_SPECS.values():
        add_entry(
            TaskEntry(
                spec,
                lambda num_envs, obs_mode, spec=spec: OGBenchVecEnv(spec, num_envs, obs_mode),
                builtin=True,
                pixel_observations=False,
                oracle_problem=ORACLE_PROBLEM,
                scene_renderer="",
            ),
            overwrite=True,
        )
