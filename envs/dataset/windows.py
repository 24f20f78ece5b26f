"""Training windows with hindsight goals, and train/validation episode splits."""

from __future__ import annotations

import numpy as np

from actjepa.envs.dataset.schema import EpisodeDataset
from actjepa.envs.errors import DatasetError
from actjepa.envs.seeds import check_seed


def split_episodes(num_episodes: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint sorted (train_idx, val_idx) episode indices; at least one training episode."""
    if num_episodes < 1:
        raise DatasetError(f"cannot split {num_episodes} episodes; collect at least one")
    if not 0.0 <= val_fraction < 1.0:
        raise DatasetError(f"val_fraction must be in [0, 1), got {val_fraction}")
    order = np.random.default_rng(check_seed(seed)).permutation(num_episodes)
    num_val = min(int(round(val_fraction * num_episodes)), num_episodes - 1)
    return np.sort(order[num_val:]), np.sort(order[:num_val])


class WindowSampler:
    """Random windows of k context + C future steps from one dataset.

    `batch(step, batch_size)` is a pure function of (seed, step), so training
    resumed at a step sees exactly the batches it would have seen.

    Goals: with probability task_goal_prob a window's goal is its episode's
    stored goal observation (made by the task's goal-observation function);
    otherwise it is a hindsight goal, the episode's final observation with
    probability final_goal_prob, else a later observation: drawn uniformly, or,
    with a hindsight_discount, Geometric(1 - discount) steps ahead (as OGBench's
    value learners draw them), so that long episodes still teach near goals.
    Hindsight goals are always consistent with the actions that led to them,
    so they are the right choice for play data and the default. Mix in task
    goals (e.g. 0.25) when the data are demonstrations aimed at their desired
    goal and goal observations do not look like real end states (other
    objects placed arbitrarily, zero velocities), so that the model learns to
    embed the goal observations it is given at evaluation. With probability
    partial_goal_prob a window's goal is then its last context observation with
    only the entries goal_dims taken from that goal: the goals the `partial:`
    controllers compose at evaluation, for tasks that judge only those entries.
    """

    def __init__(
        self,
        dataset: EpisodeDataset,
        context_len: int,
        future_len: int,
        seed: int,
        episodes: np.ndarray | None = None,
        final_goal_prob: float = 0.5,
        task_goal_prob: float = 0.0,
        hindsight_discount: float | None = None,
        windows_per_run: int = 1,
        partial_goal_prob: float = 0.0,
        goal_dims: tuple[int, ...] | None = None,
    ) -> None:
        self.data, self.k, self.c, self.seed = dataset, int(context_len), int(future_len), check_seed(seed)
        self.run = int(windows_per_run)
        if self.run < 1:
            raise DatasetError(f"windows_per_run must be at least 1, got {windows_per_run}")
        self.episodes = np.arange(dataset.num_episodes) if episodes is None else np.asarray(episodes, dtype=np.int64)
        self.final_goal_prob, self.task_goal_prob = float(final_goal_prob), float(task_goal_prob)
        self.hindsight_discount = hindsight_discount
        self._check_partial_goals(partial_goal_prob, goal_dims)
        if hindsight_discount is not None and not 0.0 < hindsight_discount < 1.0:
            raise DatasetError(f"hindsight_discount must lie in (0, 1), got {hindsight_discount}")
        for name, prob in (("final_goal_prob", self.final_goal_prob), ("task_goal_prob", self.task_goal_prob)):
            if not 0.0 <= prob <= 1.0:
                raise DatasetError(f"{name} must be a probability in [0, 1], got {prob}")
        if self.task_goal_prob > 0 and dataset.goal_free:
            raise DatasetError(
                "this dataset is goal-free play data without task goal observations; train with task_goal_prob 0"
            )
        t = dataset.episode_steps
        if self.k < 1 or self.c < 1:
            raise DatasetError(f"context_len and future_len must be >= 1, got {context_len}, {future_len}")
        if self.k + self.c + self.run - 2 > t:
            raise DatasetError(
                f"runs of {self.run} windows of {self.k}+{self.c} observations do not fit episodes of {t} steps; "
                "shorten the context, the chunk or the run"
            )
        if len(self.episodes) == 0:
            raise DatasetError("no episodes to sample windows from")

    def _check_partial_goals(self, prob: float, goal_dims: tuple[int, ...] | None) -> None:
        self.partial_goal_prob, self.goal_dims = float(prob), None if goal_dims is None else list(goal_dims)
        if not 0.0 <= self.partial_goal_prob <= 1.0:
            raise DatasetError(f"partial_goal_prob must be a probability in [0, 1], got {prob}")
        if self.partial_goal_prob > 0 and not self.goal_dims:
            raise DatasetError("partial goals need the observation entries a goal constrains (goal_dims)")
        shape = self.data.observations.shape[2:]
        if self.goal_dims and (len(shape) != 1 or not 0 <= min(self.goal_dims) <= max(self.goal_dims) < shape[0]):
            raise DatasetError(f"goal entries {self.goal_dims} are not entries of observations of shape {shape}")

    def batch(self, step: int, batch_size: int) -> dict[str, np.ndarray]:
        """`obs` (R, k+C+G-1, *obs), `actions` (R, k+C+G-2, A), `goal_obs` (Bt, *obs), `goal_steps` (Bt,).

        Bt windows in R = Bt / G runs of G = windows_per_run consecutive windows of one episode: window i of a
        run starts one step after window i-1, so its frames are run frames i .. i+k+C-1 (G = 1: each row of
        obs is one window). Runs let a step encode each frame once for several windows; their goals are drawn
        per window. goal_steps is t_goal - t, the steps from the window's last context observation to its goal.
        """
        if batch_size % self.run:
            raise DatasetError(f"a batch of {batch_size} windows does not split into runs of {self.run}")
        rng = np.random.default_rng([self.seed, int(step)])
        t_max, runs = self.data.episode_steps, batch_size // self.run
        run_ep = self.episodes[rng.integers(0, len(self.episodes), size=runs)]
        # t is the last context index: obs t-k+1 .. t+C must lie in [0, T] for every window of the run
        t_first = rng.integers(self.k - 1, t_max - self.c - self.run + 2, size=runs)
        obs_idx = t_first[:, None] + np.arange(-self.k + 1, self.c + self.run)[None]
        t, ep = (t_first[:, None] + np.arange(self.run)).reshape(-1), np.repeat(run_ep, self.run)
        if self.hindsight_discount is None:
            later = rng.integers(t + 1, t_max + 1)
        else:  # Geometric(1 - discount) steps ahead, capped at the episode's end
            later = np.minimum(t + rng.geometric(1.0 - self.hindsight_discount, size=batch_size), t_max)
        goal_t = np.where(rng.random(batch_size) < self.final_goal_prob, t_max, later)
        goal_obs = self.data.observations[ep, goal_t]
        if self.task_goal_prob > 0:  # drawn after the hindsight goals: batches without task goals are unchanged
            task = rng.random(batch_size) < self.task_goal_prob
            goal_obs[task] = self.data.goal_observations[ep[task]]
        if self.partial_goal_prob > 0:  # drawn last: batches without partial goals are unchanged
            partial = np.flatnonzero(rng.random(batch_size) < self.partial_goal_prob)
            composed = self.data.observations[ep[partial], t[partial]]
            composed[:, self.goal_dims] = goal_obs[partial][:, self.goal_dims]
            goal_obs[partial] = composed
        return {
            "obs": self.data.observations[run_ep[:, None], obs_idx],
            "actions": self.data.actions[run_ep[:, None], obs_idx[:, :-1]],
            "goal_obs": goal_obs,
            "goal_steps": (goal_t - t).astype(np.int64),
        }
