"""ACT-JEPA head: from a context latent and a goal latent, predict the next C actions and C future latents.

Tokens: [context, goal, C action queries | C future-latent tokens]. Future-latent tokens carry
the (stop-gradient) target latent where it is visible and a learned mask token where it is
masked, plus a time embedding. An attention mask lets the policy tokens (context, goal,
action queries) attend only to each other, so the action chunk never sees future latents:
training and inference (everything masked) compute actions identically, and inference can
skip the latent tokens altogether. Latent tokens attend to everything, so the latent loss
shapes the shared weights and the action-query features.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from actjepa.world_model.core.config import ModelConfig


class Block(nn.Module):
    """Pre-LayerNorm transformer block with a boolean attention mask (True = may attend)."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width))

    def forward(self, x: Tensor, allowed: Tensor | None) -> Tensor:
        b, n, w = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(b, n, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        att = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
        x = x + self.proj(att.transpose(1, 2).reshape(b, n, w))
        return x + self.mlp(self.norm2(x))


class ActJepaHead(nn.Module):
    """Joint action-chunk and future-latent predictor."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        w, c, d = cfg.head_width, cfg.chunk_len, cfg.latent_dim
        self.chunk_len = c
        self.in_ctx = nn.Linear(d, w)
        self.in_goal = nn.Linear(d, w)
        self.in_future = nn.Linear(d, w)
        self.action_queries = nn.Parameter(torch.randn(c, w) * 0.02)
        self.future_time = nn.Parameter(torch.randn(c, w) * 0.02)
        self.mask_token = nn.Parameter(torch.zeros(w))
        self.blocks = nn.ModuleList(Block(w, cfg.head_heads) for _ in range(cfg.head_layers))
        self.out_norm = nn.LayerNorm(w)
        self.out_action = nn.Linear(w, cfg.action_dim)
        self.out_latent = nn.Linear(w, d)
        n_policy = 2 + c
        allowed = torch.ones(n_policy + c, n_policy + c, dtype=torch.bool)
        allowed[:n_policy, n_policy:] = False
        self.register_buffer("allowed", allowed, persistent=False)

    def policy_tokens(self, z_ctx: Tensor, z_goal: Tensor) -> Tensor:
        """(B, 2 + C, W): context, goal and the learned action queries."""
        queries = self.action_queries.expand(z_ctx.shape[0], -1, -1)
        return torch.cat([self.in_ctx(z_ctx).unsqueeze(1), self.in_goal(z_goal).unsqueeze(1), queries], dim=1)

    def future_tokens(self, future: Tensor | None, mask: Tensor | None, batch: int) -> Tensor:
        """(B, C, W): visible target latents or the mask token, plus time embeddings."""
        if future is None:
            tokens = self.mask_token.expand(batch, self.chunk_len, -1)
        else:
            tokens = self.in_future(future)
            if mask is not None:
                tokens = torch.where(mask.unsqueeze(-1), self.mask_token.to(tokens.dtype), tokens)
        return tokens + self.future_time

    def forward(
        self,
        z_ctx: Tensor,
        z_goal: Tensor,
        future: Tensor | None = None,
        mask: Tensor | None = None,
        predict_latents: bool = True,
    ) -> tuple[Tensor, Tensor | None]:
        """Normalised action chunk (B, C, A) and predicted future latents (B, C, D) or None.

        future (B, C, D): target latents of the next C steps; mask (B, C) bool, True = hidden.
        With future=None every future step is masked (inference). predict_latents=False
        runs only the policy tokens, which gives exactly the same actions, faster.
        """
        x = self.policy_tokens(z_ctx, z_goal)
        n_policy = x.shape[1]
        if predict_latents:
            x = torch.cat([x, self.future_tokens(future, mask, z_ctx.shape[0])], dim=1)
            allowed = self.allowed
        else:
            allowed = None
        for block in self.blocks:
            x = block(x, allowed)
        x = self.out_norm(x)
        actions = self.out_action(x[:, 2:n_policy])
        latents = self.out_latent(x[:, n_policy:]) if predict_latents else None
        return actions, latents
