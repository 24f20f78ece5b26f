"""The oracle for adapter tasks whose Gymnasium env is MuJoCo-based.

The unwrapped env's `model` (MjModel) and `data` (MjData) are the simulator:
its full physics state is saved and restored with mj_getState/mj_setState, and
candidate action sequences are rolled out with `mujoco.rollout` through the
same code path as the built-in tasks (envs.mujoco_env.rollout_achieved_goals),
each action held for the env's `frame_skip` physics steps, starting from the
env's own solver warm start. The achieved goal of a rolled-out state comes
from a registered achieved_goal_fn(qpos, qvel), or else from the env's own
`_get_obs()` with the state loaded into its data and mj_forward run (envs
that read positions right after mj_step report them one physics step late;
the oracle uses the up-to-date value). The planner's oracle cost
is then the L2 distance of achieved to desired goals, the adapter's goal
distance, exactly as for built-in tasks.

Registration checks the oracle once on a probe env: rolled-out physics
states must reproduce `env.step` (actions written to data.ctrl, then
frame_skip mj_steps), and the achieved goal must be readable;
`oracle_available(task)` reports the outcome before any controller runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mujoco
import numpy as np
from mujoco import rollout

from actjepa.envs.errors import EnvError
from actjepa.envs.mujoco_env import NUM_THREADS, rollout_achieved_goals
from actjepa.envs.registry import task_entry
from actjepa.envs.render import STATE_SPEC

AchievedGoalFn = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""achieved_goal_fn(qpos (M, nq), qvel (M, nv)) -> achieved goals (M, G), vectorised like the built-in tasks."""
SELF_CHECK_STEPS = 3
"""Control steps compared between env.step and the oracle's rollout at registration."""


def mujoco_parts(env: Any) -> tuple[mujoco.MjModel, mujoco.MjData]:
    """(model, data) of a MuJoCo-based Gymnasium env, or EnvError saying it is not one."""
    raw = getattr(env, "unwrapped", env)
    model, data = getattr(raw, "model", None), getattr(raw, "data", None)
    if not isinstance(model, mujoco.MjModel) or not isinstance(data, mujoco.MjData):
        raise EnvError(
            "its env is not MuJoCo-based (the unwrapped env has no mujoco.MjModel `model` and mujoco.MjData `data`)"
        )
    return model, data


GOAL_FN_REMEDY = (
    "pass achieved_goal_fn=(qpos, qvel) -> achieved goals (M, G) to envs.register_task, which the oracle then uses "
    "instead of _get_obs()"
)
"The remedy every refusal of the default achieved-goal path names."


def check_get_obs(raw: Any) -> None:
    """EnvError naming achieved_goal_fn unless `raw._get_obs` can be called without arguments (the default path
    reads the achieved goal through it; Gymnasium-Robotics-style envs may want arguments there)."""
    import inspect

    get_obs = getattr(raw, "_get_obs", None)
    if not callable(get_obs):
        raise EnvError(f"its env has no _get_obs() to read achieved goals from; {GOAL_FN_REMEDY}")
    try:
        inspect.signature(get_obs).bind()
    except TypeError:
        raise EnvError(f"its env's _get_obs{inspect.signature(get_obs)} needs arguments; {GOAL_FN_REMEDY}") from None
    except ValueError:  # no signature to inspect (a builtin): the first call says whether it works
        return


class MujocoEnvOracle:
    """Save, restore and roll out the simulator inside one MuJoCo-based Gymnasium env."""

    def __init__(self, env: Any, goal_dim: int, achieved_goal_fn: AchievedGoalFn | None = None) -> None:
        self.raw = getattr(env, "unwrapped", env)
        self.model, self.data = mujoco_parts(env)
        self.substeps = int(getattr(self.raw, "frame_skip", 1))
        self.goal_dim, self.achieved_goal_fn = int(goal_dim), achieved_goal_fn
        self.nq, self.nv = self.model.nq, self.model.nv
        self.nstate = mujoco.mj_stateSize(self.model, STATE_SPEC)
        self.scratch = [mujoco.MjData(self.model) for _ in range(NUM_THREADS)]
        self.pool = rollout.Rollout(nthread=NUM_THREADS)
        if achieved_goal_fn is None:
            check_get_obs(self.raw)

    def get_state(self) -> np.ndarray:
        """The env's full physics state (nstate,) float64."""
        state = np.empty(self.nstate)
        mujoco.mj_getState(self.model, self.data, state, STATE_SPEC)
        return state

    def set_state(self, state: np.ndarray) -> None:
        """Load a state from get_state into the env (positions derived with mj_forward)."""
        mujoco.mj_setState(self.model, self.data, np.asarray(state, dtype=np.float64), STATE_SPEC)
        mujoco.mj_forward(self.model, self.data)

    def achieved_goals(self, states: np.ndarray) -> np.ndarray:
        """Achieved goals (M, G) of states (M, nstate); the env's own state is left as it was."""
        if self.achieved_goal_fn is not None:
            goals = self.achieved_goal_fn(states[:, 1 : 1 + self.nq], states[:, 1 + self.nq : 1 + self.nq + self.nv])
            goals = np.asarray(goals, dtype=np.float64)
            if goals.shape != (len(states), self.goal_dim):
                raise EnvError(
                    f"achieved_goal_fn returned shape {goals.shape}, expected {(len(states), self.goal_dim)}"
                )
            return goals
        saved, warmstart = self.get_state(), self.data.qacc_warmstart.copy()
        goals = np.empty((len(states), self.goal_dim))
        try:
            for row, state in enumerate(states):
                self.set_state(state)
                goals[row] = self._achieved_goal_of_env()
        finally:
            self.set_state(saved)
            self.data.qacc_warmstart[:] = warmstart
        return goals

    def _achieved_goal_of_env(self) -> np.ndarray:
        """The env's own achieved goal (G,) of the state loaded into its data, read through `_get_obs()`."""
        try:
            return np.asarray(self.raw._get_obs()["achieved_goal"], dtype=np.float64).reshape(self.goal_dim)
        except Exception as exc:  # user env code: a signature, a key or a shape that the default path cannot use
            detail = (str(exc).splitlines() or [""])[0]
            raise EnvError(
                f"its env's _get_obs() does not give the achieved goal ({type(exc).__name__}: {detail}); "
                f"{GOAL_FN_REMEDY}"
            ) from None

    def _advance(self, states: np.ndarray, controls: np.ndarray) -> np.ndarray:
        out = np.empty((len(states), controls.shape[1], self.nstate))
        warmstart = np.repeat(self.data.qacc_warmstart[None], len(states), axis=0)
        self.pool.rollout(
            self.model,
            self.scratch,
            np.ascontiguousarray(states),
            np.ascontiguousarray(controls),
            initial_warmstart=warmstart,
            state=out,
        )
        return out

    def simulate(self, actions: np.ndarray) -> np.ndarray:
        """Achieved goals (N, H, G) of candidate sequences (N, H, A) from the env's current state."""
        goals = rollout_achieved_goals(
            self._advance, self.get_state()[None], actions[None], self.substeps, self.achieved_goals, self.goal_dim
        )
        return goals[0]

    def close(self) -> None:
        self.pool.close()


def oracle_problem(
    env: Any,
    action_dim: int,
    goal_dim: int,
    achieved_goal_fn: AchievedGoalFn | None,
    action_low: np.ndarray,
    action_high: np.ndarray,
) -> str:
    """Why the oracle cannot serve this freshly reset env ('' if it can): checked against env.step."""
    try:
        oracle = MujocoEnvOracle(env, goal_dim, achieved_goal_fn)
    except EnvError as exc:
        return str(exc)
    try:
        if oracle.model.nu != action_dim:
            return f"its actions ({action_dim}) are not the MuJoCo controls ({oracle.model.nu} actuators)"
        actions = np.random.default_rng(0).uniform(action_low, action_high, size=(SELF_CHECK_STEPS, action_dim))
        steps = np.repeat(actions, oracle.substeps, axis=0)[None]
        predicted = oracle._advance(oracle.get_state()[None], steps)[0, oracle.substeps - 1 :: oracle.substeps]
        real = []
        for action in actions:
            env.step(action)
            real.append(oracle.get_state())
        error = float(np.max(np.abs(predicted - np.stack(real))))
        if not np.allclose(predicted, np.stack(real), rtol=1e-6, atol=1e-9):
            return (
                f"rolling its MuJoCo model forward does not reproduce env.step (physics states differ by "
                f"{error:.3g}); the env transforms actions or steps physics its own way"
            )
        oracle.achieved_goals(np.stack(real))
        return ""
    except EnvError as exc:
        return str(exc)
    except Exception as exc:  # user env code: reported, not raised
        return f"the oracle self-check failed ({type(exc).__name__}: {(str(exc).splitlines() or [''])[0]})"
    finally:
        oracle.close()


def oracle_available(task: str) -> tuple[bool, str]:
    """(True, '') if `oracle` can plan on task `task`, else (False, one-line reason); runs no simulation."""
    problem = task_entry(task).oracle_problem
    if problem:
        return False, f"the oracle is not available for task {task!r}: {problem}"
    return True, ""


def require_oracle(task: str) -> None:
    """Raise the one-line EnvError of oracle_available when the oracle cannot plan on `task`."""
    ok, reason = oracle_available(task)
    if not ok:
        raise EnvError(reason)
