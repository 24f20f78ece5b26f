"""ActJepa: the world model object the planner and the evaluation use.

All verbs are batched and take and return raw environment units; normalisation
statistics live in registered buffers and are saved with the weights.
Shapes: B episodes, N samples, H horizon, A action dims, D latent dims, C chunk, k context.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
from torch import Tensor, nn

from actjepa.world_model.core.config import ModelConfig
from actjepa.world_model.core.encoders import ContextEncoder
from actjepa.world_model.core.head import ActJepaHead
from actjepa.world_model.core.predictor import Predictor
from actjepa.world_model.core.value import GoalValue
from actjepa.world_model.errors import WorldModelError

NORM_KEYS = ("obs_mean", "obs_std", "action_mean", "action_std")
LAPLACE_TO_STD = math.sqrt(2.0)
"Standard deviation of a Laplace distribution per unit of its scale b (= mean absolute error)."


def _check_stats(cfg: ModelConfig, stats: dict[str, np.ndarray]) -> dict[str, Tensor]:
    """Validate the contract's normalisation statistics and return float32 tensors."""
    missing = [k for k in NORM_KEYS if k not in stats]
    if missing:
        raise WorldModelError(
            f"normalisation statistics lack {missing}; compute them with envs.dataset.normalization_stats"
        )
    obs_len = 3 if cfg.obs_mode == "pixels" else cfg.obs_shape[0]
    want = {"obs_mean": obs_len, "obs_std": obs_len, "action_mean": cfg.action_dim, "action_std": cfg.action_dim}
    out = {}
    for key, n in want.items():
        t = torch.as_tensor(np.asarray(stats[key], dtype=np.float32)).reshape(-1)
        if t.numel() != n:
            raise WorldModelError(f"normalisation statistic {key} has {t.numel()} values, expected {n} for this model")
        out[key] = t
    if cfg.obs_mode == "pixels" and float(out["obs_mean"].max()) > 1.5:  # stats given in 0..255 units
        out["obs_mean"], out["obs_std"] = out["obs_mean"] / 255.0, out["obs_std"] / 255.0
    for key in ("obs_std", "action_std"):
        out[key] = out[key].clamp_min(1e-6)
    return out


class ActJepa(nn.Module):
    """Context encoder, EMA target encoder, action-conditioned predictor and ACT-JEPA head.

    With cfg.baseline == "bc" there is no target encoder: the encoder and head are trained on
    the action loss only, and the predictor is fit on detached encoder latents so the baseline
    still has every verb without the predictor shaping its representation.
    """

    compilable = True
    "Its rollout and value are plain tensor code: the planner may compile them (planner/compilation.py)."

    def __init__(self, cfg: ModelConfig, norm_stats: dict[str, np.ndarray]) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = ContextEncoder(cfg)
        self.target_encoder: ContextEncoder | None = None
        if not cfg.is_bc:
            self.target_encoder = copy.deepcopy(self.encoder)
            self.target_encoder.requires_grad_(False)
        self.predictor = Predictor(cfg)
        self.head = ActJepaHead(cfg)
        self.value_net = GoalValue(cfg) if cfg.value_hidden > 0 else None
        for key, value in _check_stats(cfg, norm_stats).items():
            self.register_buffer(key, value)
        # Learned Laplace scale b of the head's action error per (chunk step, action dim), normalised units.
        self.register_buffer("action_scale", torch.full((cfg.chunk_len, cfg.action_dim), 0.8))

    # ----- properties the planner and evaluation read
    @property
    def context_len(self) -> int:
        return self.cfg.context_len

    @property
    def chunk_len(self) -> int:
        return self.cfg.chunk_len

    @property
    def action_dim(self) -> int:
        return self.cfg.action_dim

    @property
    def latent_dim(self) -> int:
        return self.cfg.latent_dim

    @property
    def inference_encoder(self) -> ContextEncoder:
        """The encoder behind `encode`/`encode_goal` (cfg.inference_encoder); the BC baseline has only one."""
        if self.target_encoder is None or self.cfg.inference_encoder == "online":
            return self.encoder
        return self.target_encoder

    @property
    def has_value(self) -> bool:
        """True when the model has a goal-conditioned value network (the planner's 'value' cost)."""
        return self.value_net is not None

    @property
    def device(self) -> torch.device:
        return self.action_mean.device

    # ----- normalisation
    def normalize_obs(self, obs: Tensor | np.ndarray) -> Tensor:
        """Raw observations (..., *obs) -> normalised float frames ((..., obs_dim) or (..., 3, H, W))."""
        x = torch.as_tensor(obs, device=self.device)
        if self.cfg.obs_mode == "pixels":
            return self._normalize_frames(x)
        return (x.to(torch.float32) - self.obs_mean) / self.obs_std

    def _normalize_frames(self, frames: Tensor) -> Tensor:
        """(..., H, W, 3) frames in 0..255 -> contiguous normalised (..., 3, H, W) float32.

        Channels move first while the frames are still bytes, then one pass converts them and two in-place
        passes scale them, each broadcast over whole H*W planes: a pixel batch holds hundreds of MB of frames,
        and elementwise ops broadcast over a last axis of 3 ran several times slower and set most of a step's
        cost (docs/pixels.md)."""
        chw = frames.movedim(-1, -3).contiguous().to(torch.float32)
        inv = 1.0 / (255.0 * self.obs_std)
        return chw.mul_(inv[:, None, None]).sub_((self.obs_mean / self.obs_std)[:, None, None])

    def normalize_actions(self, actions: Tensor | np.ndarray) -> Tensor:
        """Raw actions (..., A) -> normalised units."""
        a = torch.as_tensor(actions, device=self.device, dtype=torch.float32)
        return (a - self.action_mean) / self.action_std

    def denormalize_actions(self, actions: Tensor) -> Tensor:
        """Normalised actions (..., A) -> raw units."""
        return actions * self.action_std + self.action_mean

    def _check_obs(self, obs: Tensor | np.ndarray, lead: int, what: str) -> None:
        shape = tuple(obs.shape)
        if shape[lead:] != self.cfg.obs_shape or len(shape) != lead + len(self.cfg.obs_shape):
            raise WorldModelError(f"{what} has shape {shape}; expected {lead} batch axes then {self.cfg.obs_shape}")

    def _history_actions(self, actions: Tensor | np.ndarray | None, batch: int) -> Tensor:
        """Normalised (B, k-1, A) history actions; None means zero raw actions."""
        k, a_dim = self.context_len, self.action_dim
        if actions is None:
            return self.normalize_actions(torch.zeros(batch, k - 1, a_dim, device=self.device))
        if tuple(actions.shape) != (batch, k - 1, a_dim):
            raise WorldModelError(
                f"history actions have shape {tuple(actions.shape)}; expected {(batch, k - 1, a_dim)}"
            )
        return self.normalize_actions(actions)

    # ----- verbs
    def encode(self, obs: Tensor | np.ndarray, actions: Tensor | np.ndarray | None = None) -> Tensor:
        """Context latent: obs (B, k, *obs) raw, actions (B, k-1, A) raw or None (zeros) -> (B, D)."""
        self._check_obs(obs, 2, "encode observations")
        if obs.shape[1] != self.context_len:
            raise WorldModelError(f"encode needs the last {self.context_len} observations, got {obs.shape[1]}")
        return self.inference_encoder(self.normalize_obs(obs), self._history_actions(actions, obs.shape[0]))

    def encode_goal(self, goal_obs: Tensor | np.ndarray) -> Tensor:
        """Goal latent: one goal observation per episode (B, *obs), repeated k times with zero actions -> (B, D)."""
        self._check_obs(goal_obs, 1, "goal observation")
        frame = self.normalize_obs(goal_obs)
        return self.inference_encoder.encode_still(frame, self._history_actions(None, frame.shape[0]))

    def step(self, z: Tensor, a: Tensor | np.ndarray) -> Tensor:
        """One latent transition: (..., D), raw (..., A) -> (..., D)."""
        return self.predictor(z, self.normalize_actions(a))

    def rollout(self, z0: Tensor, actions: Tensor | np.ndarray) -> Tensor:
        """Roll (B, D) latents through raw (B, N, H, A) action sequences -> (B, N, H, D).

        Loops over H only; the B*N rows go through each step as one batch.
        """
        if actions.ndim != 4 or actions.shape[0] != z0.shape[0] or actions.shape[-1] != self.action_dim:
            raise WorldModelError(
                f"rollout actions have shape {tuple(actions.shape)}; "
                f"expected (B={z0.shape[0]}, N, H, {self.action_dim})"
            )
        b, n = actions.shape[:2]
        z = z0.unsqueeze(1).expand(b, n, z0.shape[-1])
        return self.predictor.rollout(z, self.normalize_actions(actions))

    def value(self, latents: Tensor, z_goal: Tensor) -> Tensor:
        """Estimated steps to the goal: latents (B, ..., D), z_goal (B, D) -> (B, ...)."""
        if self.value_net is None:
            raise WorldModelError(
                "this model has no value network; train it with value_hidden > 0 or plan with --cost l2"
            )
        goal = z_goal.reshape(z_goal.shape[0], *([1] * (latents.dim() - 2)), z_goal.shape[-1])
        return self.value_net(latents, goal)

    def action_prior(self, z: Tensor, z_goal: Tensor, horizon: int) -> tuple[Tensor, Tensor]:
        """Mean and std (B, H, A), raw units, of an action sequence from z towards z_goal.

        The head predicts a chunk of C actions; for H > C the latent is advanced through the
        predicted chunk with the predictor and the head is called again. The std is the
        learned per-(chunk step, action dim) Laplace scale of the head's error, as a std.
        """
        if horizon < 1:
            raise WorldModelError(f"horizon must be at least 1, got {horizon}")
        chunks = []
        for i in range(math.ceil(horizon / self.chunk_len)):
            mean_n, _ = self.head(z, z_goal, predict_latents=False)
            chunks.append(mean_n)
            if (i + 1) * self.chunk_len < horizon:
                z = self.predictor.rollout(z, mean_n)[:, -1]
        mean_n = torch.cat(chunks, dim=1)[:, :horizon]
        reps = math.ceil(horizon / self.chunk_len)
        std_n = (self.action_scale * LAPLACE_TO_STD).repeat(reps, 1)[:horizon]
        std = (std_n * self.action_std).expand_as(mean_n)
        return self.denormalize_actions(mean_n), std

    def act(
        self, obs: Tensor | np.ndarray, goal_obs: Tensor | np.ndarray, actions: Tensor | np.ndarray | None = None
    ) -> Tensor:
        """Pure policy: obs history (B, k, *obs), goal (B, *obs), history actions (B, k-1, A) -> raw chunk (B, C, A)."""
        z = self.encode(obs, actions)
        mean_n, _ = self.head(z, self.encode_goal(goal_obs), predict_latents=False)
        return self.denormalize_actions(mean_n)
