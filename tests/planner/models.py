"""Analytic latent models with known optima, satisfying the planner protocol structurally."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class LinearModel:
    """z' = decay * z + gain * a with identity encoders. From z0 the cost-optimal plan
    reaches the goal in one step and holds it: a_0 = (goal - decay * z0) / gain, then
    a_t = (1 - decay) * goal / gain (whenever those are inside the action bounds)."""

    def __init__(self, dim: int = 2, gain: float = 1.0, decay: float = 0.5, context_len: int = 1) -> None:
        self.action_dim = dim
        self.latent_dim = dim
        self.context_len = context_len
        self.gain = gain
        self.decay = decay
        self.encoded: list[tuple[Tensor, Tensor | None]] = []
        self.encoded_goals: list[Tensor] = []
        self.rollout_calls = 0

    def encode(self, obs: Tensor, actions: Tensor | None = None) -> Tensor:
        self.encoded.append((obs.clone(), None if actions is None else actions.clone()))
        return obs[:, -1].float()

    def encode_goal(self, goal_obs: Tensor) -> Tensor:
        self.encoded_goals.append(goal_obs.clone())
        return goal_obs.float()

    def step(self, z: Tensor, a: Tensor) -> Tensor:
        return self.decay * z + self.gain * a

    def rollout(self, z0: Tensor, actions: Tensor) -> Tensor:
        self.rollout_calls += 1
        z, out = z0[:, None, :], []
        for t in range(actions.shape[2]):
            z = self.step(z, actions[:, :, t])
            out.append(z)
        return torch.stack(out, dim=2)

    def optimum(self, z0: Tensor, goal: Tensor, horizon: int) -> Tensor:
        """The known optimal plan (B, H, A)."""
        best = ((1 - self.decay) * goal / self.gain)[:, None].repeat(1, horizon, 1)
        best[:, 0] = (goal - self.decay * z0) / self.gain
        return best


class PriorFromOptimum:
    """An action prior that knows the optimum up to a small offset."""

    def __init__(self, model: LinearModel, offset: float = 0.02, std: float = 0.05) -> None:
        self.model, self.offset, self.std = model, offset, std

    def action_prior(self, z: Tensor, z_goal: Tensor, horizon: int) -> tuple[Tensor, Tensor]:
        mean = self.model.optimum(z, z_goal, horizon) + self.offset
        return mean, torch.full_like(mean, self.std)


class ValueModel(LinearModel):
    """A linear model with a known value: steps = 10 x distance."""

    has_value = True

    def value(self, latents, z_goal):
        goal = z_goal.reshape(z_goal.shape[0], *([1] * (latents.dim() - 2)), z_goal.shape[-1])
        return 10.0 * (latents - goal).norm(dim=-1)


class TinyMLPModel(nn.Module):
    """A small residual MLP predictor, like the learned one, for batching and device tests."""

    def __init__(self, obs_dim: int = 3, action_dim: int = 2, latent_dim: int = 4, hidden: int = 16) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.action_dim, self.latent_dim, self.context_len, self.chunk_len = action_dim, latent_dim, 1, 4
        self.enc = nn.Linear(obs_dim, latent_dim)
        self.pred = nn.Sequential(nn.Linear(latent_dim + action_dim, hidden), nn.GELU(), nn.Linear(hidden, latent_dim))

    def encode(self, obs: Tensor, actions: Tensor | None = None) -> Tensor:
        return self.enc(obs[:, -1])

    def encode_goal(self, goal_obs: Tensor) -> Tensor:
        return self.enc(goal_obs)

    def step(self, z: Tensor, a: Tensor) -> Tensor:
        return z + self.pred(torch.cat([z, a], dim=-1))

    def rollout(self, z0: Tensor, actions: Tensor) -> Tensor:
        z = z0[:, None].expand(-1, actions.shape[1], -1)
        out = []
        for t in range(actions.shape[2]):
            z = self.step(z, actions[:, :, t])
            out.append(z)
        return torch.stack(out, dim=2)

    def action_prior(self, z: Tensor, z_goal: Tensor, horizon: int) -> tuple[Tensor, Tensor]:
        mean = torch.tanh(z_goal - z)[:, None, : self.action_dim].expand(-1, horizon, -1)
        return mean, torch.full_like(mean, 0.3)

    def act(self, obs: Tensor, goal_obs: Tensor, actions: Tensor | None = None) -> Tensor:
        mean, _ = self.action_prior(self.encode(obs), self.encode_goal(goal_obs), self.chunk_len)
        return mean
