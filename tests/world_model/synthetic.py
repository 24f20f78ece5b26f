"""Synthetic goal-reaching data for world-model tests: a damped point mass pushed toward its goal.

State obs (pos 2, vel 2); actions are a noisy PD controller toward a per-episode goal, so the
data is a linear dynamical system whose actions are predictable from (state, goal).
Pixel obs render the position as a bright blob on a 64x64x3 uint8 canvas.
"""

from __future__ import annotations

import numpy as np

DT = 0.1


def make_episodes(
    num_episodes: int = 32, steps: int = 40, seed: int = 0, pixels: bool = False
) -> dict[str, np.ndarray]:
    """observations (E, T+1, *obs), actions (E, T, 2), goal_positions (E, 2) — all episodes stepped at once."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1, 1, (num_episodes, 2))
    vel = np.zeros((num_episodes, 2))
    goal = rng.uniform(-1, 1, (num_episodes, 2))
    obs, acts = [np.concatenate([pos, vel], 1)], []
    for _ in range(steps):
        a = np.clip(2.0 * (goal - pos) - 1.0 * vel + 0.3 * rng.standard_normal((num_episodes, 2)), -2, 2)
        vel = 0.9 * vel + DT * a
        pos = pos + DT * vel
        obs.append(np.concatenate([pos, vel], 1))
        acts.append(a)
    observations = np.stack(obs, 1).astype(np.float32)
    if pixels:
        observations = render(observations[..., :2])
    return {"observations": observations, "actions": np.stack(acts, 1).astype(np.float32), "goals": goal}


def render(pos: np.ndarray, size: int = 64) -> np.ndarray:
    """Positions (..., 2) in [-1.5, 1.5] -> (..., size, size, 3) uint8 images with a Gaussian blob."""
    grid = np.linspace(-1.5, 1.5, size)
    dx = (grid[None, :] - pos[..., 0, None, None]) ** 2
    dy = (grid[:, None] - pos[..., 1, None, None]) ** 2
    blob = np.exp(-(dx + dy) / 0.05)
    img = np.stack([blob, 0.5 * blob, 1.0 - blob], -1)
    return (img * 255).astype(np.uint8)


def norm_stats(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The contract's normalisation statistics (per dim for state, per channel for pixels)."""
    obs = data["observations"].astype(np.float32)
    axes = tuple(range(obs.ndim - 1))
    return {
        "obs_mean": obs.mean(axes),
        "obs_std": np.maximum(obs.std(axes), 1e-3),
        "action_mean": data["actions"].mean((0, 1)),
        "action_std": np.maximum(data["actions"].std((0, 1)), 1e-3),
    }


class Sampler:
    """The WindowSampler contract over in-memory episodes: batch(step, size) is a pure function of (seed, step)."""

    def __init__(self, data: dict[str, np.ndarray], context_len: int, future_len: int, seed: int = 0) -> None:
        self.obs, self.actions = data["observations"], data["actions"]
        self.k, self.c, self.seed = context_len, future_len, seed

    def batch(self, step: int, batch_size: int) -> dict[str, np.ndarray]:
        rng = np.random.default_rng([self.seed, step])
        e_count, t_len = self.actions.shape[:2]
        ep = rng.integers(0, e_count, batch_size)
        t = rng.integers(self.k - 1, t_len - self.c + 1, batch_size)
        frames = t[:, None] + np.arange(-self.k + 1, self.c + 1)
        goal_t = np.where(rng.random(batch_size) < 0.5, t_len, rng.integers(t + 1, t_len + 1))
        return {
            "obs": self.obs[ep[:, None], frames],
            "actions": self.actions[ep[:, None], frames[:, :-1]],
            "goal_obs": self.obs[ep, goal_t],
            "goal_steps": goal_t - t,
        }
