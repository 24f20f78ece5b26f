"""Perturbations during evaluation: a velocity kick at a random step, or actuator noise.

What happens to an episode is a pure function of (perturbation seed, episode seed), never of the
controller, so every controller meets the same pushes in the same episode.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actjepa.envs.errors import EnvError

KINDS = ("kick", "actuator")


@dataclass(frozen=True)
class Perturbation:
    """An external disturbance applied by the evaluation loop through the environment."""

    kind: str = "kick"
    "'kick': add a random joint-velocity change once, at a random step; 'actuator': Gaussian noise on every action."
    scale: float = 1.0
    "Kick: std of the velocity change per joint; actuator: noise std as a fraction of the half action range."
    seed: int = 0
    "Seed mixed with each episode's seed to draw its kick step and vector (or its action noise)."

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise EnvError(f"perturbation kind {self.kind!r} is unknown; use one of {', '.join(KINDS)}")
        if not np.isfinite(self.scale) or self.scale < 0:
            raise EnvError(f"perturbation scale must be a finite number >= 0, got {self.scale}")

    def rngs(self, episode_seeds: np.ndarray) -> list[np.random.Generator]:
        """One generator per episode, a function of (self.seed, episode seed) only."""
        return [np.random.default_rng([self.seed, int(s)]) for s in episode_seeds]

    def kicks(self, episode_seeds: np.ndarray, steps: int, nv: int) -> tuple[np.ndarray, np.ndarray]:
        """Kick step (E,) in [1, steps) and joint-velocity change (E, nv) of each episode."""
        draws = [(int(r.integers(1, max(steps, 2))), r.standard_normal(nv)) for r in self.rngs(episode_seeds)]
        return np.array([d[0] for d in draws]), self.scale * np.stack([d[1] for d in draws])

    def action_noise(self, episode_seeds: np.ndarray, steps: int, action_dim: int) -> np.ndarray:
        """Standard-normal action noise (E, steps, A) of each episode (scaled by the caller to the range)."""
        return np.stack([r.standard_normal((steps, action_dim)) for r in self.rngs(episode_seeds)])


class PerturbedEpisodes:
    """Applies a perturbation to one batch of episodes as they run (the evaluation loop calls it)."""

    def __init__(self, perturbation: Perturbation, env, episode_seeds: np.ndarray) -> None:
        self.perturbation, self.env = perturbation, env
        steps = env.max_episode_steps
        self.kick_step = self.kick = self.noise = None
        if perturbation.kind == "kick":
            self.kick_step, self.kick = perturbation.kicks(episode_seeds, steps, env.velocity_dim)
        else:
            half = (env.action_high - env.action_low) / 2
            self.noise = perturbation.scale * half * perturbation.action_noise(episode_seeds, steps, env.action_dim)

    def before_step(self, t: int, action: np.ndarray) -> np.ndarray:
        """The action to send at step t (noisy for actuator noise); kicks the episodes whose step is t."""
        if self.kick is not None:
            hit = self.kick_step == t
            if hit.any():
                self.env.perturb(np.where(hit[:, None], self.kick, 0.0))
            return action
        return action + self.noise[:, t]
