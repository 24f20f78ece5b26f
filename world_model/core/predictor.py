"""Action-conditioned latent predictor g_phi: z_{t+1} = N(z_t + MLP(LayerNorm(z_t), a_t)).

N is the encoder's own output normalisation (LayerNorm without affine parameters) when
cfg.predictor_norm is set, so predicted latents live where encoded ones do.

Kept deliberately cheap because planning calls it N x H x iterations times per action.
The first layer is split into a latent part and an action part so that `rollout`
projects all H actions in one matmul and each step costs only the latent path.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from actjepa.world_model.core.config import ModelConfig


class Predictor(nn.Module):
    """Residual MLP with LayerNorm; actions are given in normalised units."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        h = cfg.predictor_hidden
        self.norm = nn.LayerNorm(cfg.latent_dim)
        self.in_z = nn.Linear(cfg.latent_dim, h)
        self.in_a = nn.Linear(cfg.action_dim, h, bias=False)
        self.hidden = nn.ModuleList(nn.Linear(h, h) for _ in range(cfg.predictor_layers - 1))
        self.out = nn.Linear(h, cfg.latent_dim)
        self.act = nn.SiLU()
        self.normalize_output = cfg.predictor_norm

    def project_actions(self, a: Tensor) -> Tensor:
        """Action part of the first layer: (..., A) -> (..., hidden)."""
        return self.in_a(a)

    def step_projected(self, z: Tensor, a_proj: Tensor) -> Tensor:
        """One transition given pre-projected actions: (..., D), (..., hidden) -> (..., D)."""
        x = self.act(self.in_z(self.norm(z)) + a_proj)
        for layer in self.hidden:
            x = self.act(layer(x))
        z_next = z + self.out(x)
        if self.normalize_output:
            z_next = F.layer_norm(z_next, z_next.shape[-1:])
        return z_next

    def forward(self, z: Tensor, a: Tensor) -> Tensor:
        """One transition: (..., D), (..., A) -> (..., D)."""
        return self.step_projected(z, self.project_actions(a))

    def rollout(self, z0: Tensor, actions: Tensor) -> Tensor:
        """Autoregressive rollout along the second-to-last axis of `actions`.

        z0 (..., D), actions (..., H, A) -> (..., H, D), the latent after each action.
        """
        if torch.compiler.is_compiling():
            # Compiled: project each step's actions inside the step, where the product (A is small) fuses
            # into the step's elementwise kernel instead of filling an (..., H, hidden) buffer first.
            weight = self.in_a.weight.t()
            project = lambda h: (actions[..., h, :, None] * weight).sum(dim=-2)  # noqa: E731
        else:
            a_proj = self.project_actions(actions)
            project = lambda h: a_proj[..., h, :]  # noqa: E731
        z, out = z0, []
        for h in range(actions.shape[-2]):
            z = self.step_projected(z, project(h))
            out.append(z)
        return torch.stack(out, dim=-2)

    def flops_per_step(self) -> int:
        """Floating-point operations of one transition (2 per multiply-add, weights only)."""
        macs = self.in_z.in_features * self.in_z.out_features + self.in_a.in_features * self.in_a.out_features
        macs += sum(layer.in_features * layer.out_features for layer in self.hidden)
        macs += self.out.in_features * self.out.out_features
        return 2 * macs
