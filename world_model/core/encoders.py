"""Context encoder f_theta: per-frame embedding (MLP or CNN) plus a light temporal mixer.

Inputs here are already normalised (see `ActJepa`): state frames (..., obs_dim) float,
pixel frames (..., 3, H, W) float, actions (..., A) in normalised units.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from actjepa.world_model.core.config import ModelConfig


class StateEmbedder(nn.Module):
    """MLP embedding of one state vector (LayerNorm output keeps the latent scale sane from step 0)."""

    def __init__(self, obs_dim: int, hidden: int, out_dim: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(obs_dim, hidden),
            nn.SiLU(),
            nn.Linear(hidden, hidden),
            nn.SiLU(),
            nn.Linear(hidden, out_dim),
            nn.LayerNorm(out_dim),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class PixelEmbedder(nn.Module):
    """Small CNN embedding of one CHW frame (64x64 -> a few-pixel feature map -> vector).

    'strided': four convolutions, 4x4/2, 4x4/2, 3x3/2, 3x3/1 (c, 2c, 2c, 2c channels), 19.9 MFLOP per 64x64
    frame at c = 32. 'patch': a 4x4/4 patch stem then 3x3/2 and 3x3/1 (c, 2c, 2c), 4.8 MFLOP at c = 32; a
    training step encodes about 35 frames per window, so this cost is most of a pixel step's.
    """

    def __init__(self, image_hw: tuple[int, int], channels: int, out_dim: int, layout: str = "strided") -> None:
        super().__init__()
        c = channels
        if layout == "patch":
            convs = [nn.Conv2d(3, c, 4, stride=4), nn.Conv2d(c, 2 * c, 3, stride=2), nn.Conv2d(2 * c, 2 * c, 3)]
        else:
            convs = [
                nn.Conv2d(3, c, 4, stride=2),
                nn.Conv2d(c, 2 * c, 4, stride=2),
                nn.Conv2d(2 * c, 2 * c, 3, stride=2),
                nn.Conv2d(2 * c, 2 * c, 3, stride=1),
            ]
        self.conv = nn.Sequential(*(m for conv in convs for m in (conv, nn.SiLU())), nn.Flatten())
        with torch.no_grad():
            flat = self.conv(torch.zeros(1, 3, *image_hw)).shape[-1]
        self.proj = nn.Sequential(nn.Linear(flat, out_dim), nn.LayerNorm(out_dim))

    def forward(self, x: Tensor) -> Tensor:
        lead = x.shape[:-3]
        y = self.proj(self.conv(x.reshape(-1, *x.shape[-3:])))
        return y.reshape(*lead, -1)


class ContextEncoder(nn.Module):
    """Embeds a window of k frames and the k-1 actions between them into one latent (D).

    The latent ends in a LayerNorm without affine parameters: every latent has norm sqrt(D), so
    latents cannot shrink toward zero (the regularizer then only has to keep them diverse) and
    distances in latent space keep one scale throughout training, which the planner relies on.
    """

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.k = cfg.context_len
        if cfg.obs_mode == "pixels":
            self.frame = PixelEmbedder(cfg.obs_shape[:2], cfg.cnn_channels, cfg.frame_dim, cfg.pixel_encoder)
        else:
            self.frame = StateEmbedder(cfg.obs_shape[0], cfg.encoder_hidden, cfg.frame_dim)
        mix_in = self.k * cfg.frame_dim + (self.k - 1) * cfg.action_dim
        self.mixer = nn.Sequential(
            nn.SiLU(),
            nn.Linear(mix_in, cfg.encoder_hidden),
            nn.SiLU(),
            nn.Linear(cfg.encoder_hidden, cfg.latent_dim),
            nn.LayerNorm(cfg.latent_dim, elementwise_affine=False),
        )

    def embed_frames(self, frames: Tensor) -> Tensor:
        """Per-frame embeddings: (..., *frame) -> (..., frame_dim)."""
        return self.frame(frames)

    def mix(self, frame_emb: Tensor, actions: Tensor) -> Tensor:
        """Temporal mixer: (B, k, E) frame embeddings and (B, k-1, A) actions -> (B, D)."""
        parts = [frame_emb.flatten(-2)]
        if self.k > 1:
            parts.append(actions.flatten(-2))
        return self.mixer(torch.cat(parts, dim=-1))

    def forward(self, frames: Tensor, actions: Tensor) -> Tensor:
        """(B, k, *frame), (B, k-1, A) -> (B, D)."""
        return self.mix(self.embed_frames(frames), actions)

    def encode_still(self, frame: Tensor, actions: Tensor) -> Tensor:
        """A latent of one frame held for k steps (a goal): (B, *frame), (B, k-1, A) -> (B, D).

        The frame is embedded once and its embedding repeated, not embedded k times.
        """
        emb = self.embed_frames(frame).unsqueeze(1)
        return self.mix(emb.expand(-1, self.k, -1), actions)

    def encode_windows(self, frames: Tensor, actions: Tensor) -> Tensor:
        """Every k-window of a longer sequence, embedding each frame once.

        (B, L, *frame), (B, L-1, A) -> (B, L-k+1, D); window j ends at frame j+k-1.
        """
        return self.encode_at(frames, actions, list(range(frames.shape[1] - self.k + 1)))

    def encode_at(
        self, frames: Tensor, actions: Tensor, starts: list[int], frame_steps: list[int] | None = None
    ) -> Tensor:
        """The k-windows starting at the given steps of a sequence, embedding each frame read once.

        frames (B, n, *frame) are the sequence's frames at `frame_steps` (default 0..n-1), which must hold
        j..j+k-1 for every start j; actions (B, L-1, A) are all of the sequence's actions (actions[:, i]
        follows frame i). Returns (B, len(starts), D); window j ends at frame j+k-1.
        """
        k = self.k
        place = {step: i for i, step in enumerate(range(frames.shape[1]) if frame_steps is None else frame_steps)}
        device = frames.device
        frame_index = torch.tensor([[place[j + i] for i in range(k)] for j in starts], dtype=torch.long, device=device)
        action_index = torch.tensor([[j + i for i in range(k - 1)] for j in starts], dtype=torch.long, device=device)
        emb = self.embed_frames(frames)  # (B, n, E)
        return self.mix(emb[:, frame_index], actions[:, action_index.reshape(len(starts), k - 1)])
