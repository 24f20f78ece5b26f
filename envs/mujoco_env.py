"""GoalVecEnv for the built-in MuJoCo tasks: B simulator states in one array.

All B states are advanced together with one `mujoco.rollout` call per control
step (a persistent two-thread pool and one MjData per thread); observations,
goals and distances are numpy functions of the state array. The solver warm
start is reset at every call, so a state array fully determines the future.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mujoco
import numpy as np
from mujoco import rollout

from actjepa.envs.errors import EnvError
from actjepa.envs.render import STATE_SPEC, task_renderer
from actjepa.envs.tasks.base import MujocoTask
from actjepa.envs.vec_env import GoalVecEnv

NUM_THREADS = 2
SIMULATE_CHUNK_VALUES = 4_000_000
"""simulate() rolls out candidates in chunks of at most this many state values (32 MB)."""


def rollout_achieved_goals(
    advance: Callable[[np.ndarray, np.ndarray], np.ndarray],
    start: np.ndarray,
    actions: np.ndarray,
    n_substeps: int,
    achieved_goal: Callable[[np.ndarray], np.ndarray],
    goal_dim: int,
) -> np.ndarray:
    """Achieved goals (B, N, H, G) after each step of N candidate sequences (B, N, H, A) from states (B, nstate).

    advance(states (M, nstate), controls (M, steps, A)) -> every physics state (M, steps, nstate), one
    `mujoco.rollout` call; achieved_goal(states (M, nstate)) -> (M, G). Each action is held for n_substeps
    physics steps, and rows are rolled out in chunks of bounded memory.
    """
    b, n, h, a = actions.shape
    nstate = start.shape[-1]
    controls = np.repeat(actions, n_substeps, axis=2).reshape(b * n, h * n_substeps, a)
    start = np.repeat(start, n, axis=0)
    goals = np.empty((b * n, h, goal_dim))
    rows = max(1, SIMULATE_CHUNK_VALUES // (h * n_substeps * nstate))
    for lo in range(0, b * n, rows):  # bounded memory: every physics substep's state is returned
        states = advance(start[lo : lo + rows], controls[lo : lo + rows])
        states = states[:, n_substeps - 1 :: n_substeps].reshape(-1, nstate)
        goals[lo : lo + rows] = achieved_goal(states).reshape(-1, h, goal_dim)
    return goals.reshape(b, n, h, goal_dim)


class MujocoGoalVecEnv(GoalVecEnv):
    """A built-in task simulated in batch."""

    def __init__(self, task: MujocoTask, num_envs: int = 1, obs_mode: str = "state") -> None:
        super().__init__(task.spec, num_envs, obs_mode)
        self.task = task
        self.model = task.build_model()
        self.datas = [mujoco.MjData(self.model) for _ in range(NUM_THREADS)]
        self.pool = rollout.Rollout(nthread=NUM_THREADS)
        self.nq, self.nv = self.model.nq, self.model.nv
        self.nstate = mujoco.mj_stateSize(self.model, STATE_SPEC)
        self.action_low = self.model.actuator_ctrlrange[:, 0].astype(np.float64).copy()
        self.action_high = self.model.actuator_ctrlrange[:, 1].astype(np.float64).copy()
        self.renderer = None
        if obs_mode == "pixels":
            self.renderer = task_renderer(task)
        self.state = np.zeros((self.num_envs, self.nstate))
        self.goal_obs = np.zeros((self.num_envs, *self.observation_shape), dtype=self._obs_dtype)
        self.initial_qpos = np.zeros((self.num_envs, self.nq))

    @property
    def _obs_dtype(self) -> type:
        return np.uint8 if self.obs_mode == "pixels" else np.float32

    @property
    def qpos(self) -> np.ndarray:
        """(B, nq) joint positions (a view into the state array)."""
        return self.state[:, 1 : 1 + self.nq]

    @property
    def qvel(self) -> np.ndarray:
        """(B, nv) joint velocities (a view into the state array)."""
        return self.state[:, 1 + self.nq : 1 + self.nq + self.nv]

    def _states_from(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        state = np.zeros((len(qpos), self.nstate))
        state[:, 1 : 1 + self.nq] = qpos
        state[:, 1 + self.nq : 1 + self.nq + self.nv] = qvel
        return state

    def render_states(self, qpos: np.ndarray, qvel: np.ndarray) -> np.ndarray:
        """Scene frames (B, 64, 64, 3) uint8 of joint positions and velocities (B, nq), (B, nv), goal markers hidden."""
        return task_renderer(self.task).render(self._states_from(qpos, qvel))

    def _render_obs(self, state: np.ndarray) -> np.ndarray:
        if self.renderer is not None:
            return self.renderer.render(state)
        qpos = state[:, 1 : 1 + self.nq]
        return self.task.observation(qpos, state[:, 1 + self.nq : 1 + self.nq + self.nv])

    def reset(self, seeds: Sequence[int]) -> dict[str, np.ndarray]:
        seeds = self.check_seeds(seeds)
        episodes = [self.task.sample_episode(np.random.default_rng(int(s))) for s in seeds]
        qpos = np.stack([e[0] for e in episodes])
        qvel = np.stack([e[1] for e in episodes])
        self.desired_goal = np.stack([e[2] for e in episodes]).astype(np.float64)
        self.state = self._states_from(qpos, qvel)
        self.initial_qpos = qpos.copy()
        goal_qpos, goal_qvel = self.task.goal_state(self.desired_goal, qpos)
        self.goal_obs = self._render_obs(self._states_from(goal_qpos, goal_qvel))
        self.elapsed_steps = 0
        return self.observe()

    def observe(self) -> dict[str, np.ndarray]:
        return {
            "observation": self._render_obs(self.state),
            "achieved_goal": self.task.achieved_goal(self.qpos, self.qvel),
            "desired_goal": self.desired_goal.copy(),
            "goal_observation": self.goal_obs.copy(),
        }

    def goal_distance(self) -> np.ndarray:
        return np.linalg.norm(self.task.achieved_goal(self.qpos, self.qvel) - self.desired_goal, axis=-1)

    def _advance(self, state: np.ndarray, controls: np.ndarray) -> np.ndarray:
        """Roll states (M, nstate) through controls (M, steps, nu); all physics states (M, steps, nstate)."""
        out = np.empty((len(state), controls.shape[1], self.nstate))
        self.pool.rollout(
            self.model,
            self.datas,
            np.ascontiguousarray(state),
            np.ascontiguousarray(controls),
            initial_warmstart=np.zeros((len(state), self.nv)),
            state=out,
        )
        return out

    def step(self, actions: np.ndarray):
        actions = self.check_actions(actions)
        controls = np.repeat(actions[:, None, :], self.task.n_substeps, axis=1)
        self.state = self._advance(self.state, controls)[:, -1]
        return self.step_outputs()

    @property
    def velocity_dim(self) -> int:
        return self.nv

    def perturb(self, velocity_change: np.ndarray) -> None:
        velocity_change = np.asarray(velocity_change, dtype=np.float64)
        if velocity_change.shape != (self.num_envs, self.nv):
            raise EnvError(f"perturb needs a velocity change {(self.num_envs, self.nv)}, got {velocity_change.shape}")
        self.state[:, 1 + self.nq : 1 + self.nq + self.nv] += velocity_change

    def get_sim_state(self) -> np.ndarray:
        return self.state.copy()

    def set_sim_state(self, state: np.ndarray) -> None:
        state = np.asarray(state, dtype=np.float64)
        if state.shape != (self.num_envs, self.nstate):
            raise EnvError(f"sim state has shape {state.shape}, expected {(self.num_envs, self.nstate)}")
        self.state = state.copy()

    def simulate(self, actions: np.ndarray, output: str = "achieved_goal") -> np.ndarray:
        """Roll every sequence from each episode's current state without changing it.

        actions (B, N, H, A) -> achieved goals (B, N, H, G), or state observations (B, N, H, obs_dim)
        with output='observation' (so a learned encoder can score true futures: the 'oracle+cost').
        """
        if output not in ("achieved_goal", "observation"):
            raise EnvError(f"simulate output {output!r} is unknown; use achieved_goal or observation")
        actions = self.check_candidate_actions(actions)
        task, nq, nv = self.task, self.nq, self.nv
        read = task.achieved_goal if output == "achieved_goal" else task.observation
        width = self.spec.goal_dim if output == "achieved_goal" else int(np.prod(self.spec.obs_shape))

        def values(states: np.ndarray) -> np.ndarray:
            return read(states[:, 1 : 1 + nq], states[:, 1 + nq : 1 + nq + nv]).reshape(len(states), width)

        return rollout_achieved_goals(self._advance, self.state, actions, task.n_substeps, values, width)

    def close(self) -> None:
        """Stop the rollout thread pool (the shared renderer stays alive for other envs)."""
        self.pool.close()
