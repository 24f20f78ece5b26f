"""Anti-collapse terms on a batch of latents, and the two health numbers logged during training."""

from __future__ import annotations

import math

import torch
from torch import Tensor

VICREG_COV_WEIGHT = 0.04
"Covariance weight relative to the variance hinge (VICReg's 1:25 ratio)."


def vicreg(z: Tensor, std_target: float = 1.0) -> Tensor:
    """VICReg variance hinge (every dimension's std at least `std_target`) plus off-diagonal covariance; z (n, D).

    After a LayerNorm without affine parameters the per-dimension variances of a batch average
    at most 1, so a target of 1 can only be met by latents spread evenly over the whole sphere;
    a target below 1 leaves room for latents whose geometry follows the state.
    """
    zc = z - z.mean(dim=0)
    std = torch.sqrt(zc.var(dim=0) + 1e-4)
    var_loss = torch.relu(std_target - std).mean()
    cov = zc.T @ zc / max(z.shape[0] - 1, 1)
    off = cov - torch.diag(torch.diagonal(cov))
    cov_loss = off.pow(2).sum() / z.shape[1]
    return var_loss + VICREG_COV_WEIGHT * cov_loss


SIGREG_DIRECTIONS = 64
"Random 1-D projections of the latents SIGReg compares with N(0, 1) at each step."


def sigreg_directions(
    dim: int, generator: torch.Generator, device: torch.device | str = "cpu", count: int = SIGREG_DIRECTIONS
) -> Tensor:
    """(dim, count) float32 unit projection directions, drawn on CPU from `generator` so training resumes exactly."""
    dirs = torch.randn(dim, count, generator=generator).to(device, torch.float32)
    return dirs / dirs.norm(dim=0, keepdim=True)


def sigreg(z: Tensor, directions: Tensor, num_points: int = 17, t_max: float = 4.0) -> Tensor:
    """SIGReg: Epps-Pulley statistic of the 1-D projections of z (n, D) on directions (D, M) against N(0, 1).

    Compares the empirical characteristic function of each projection with exp(-t^2/2) on a
    grid t in [0, t_max] (the integrand is even), weighted by exp(-t^2/2), averaged over directions.
    """
    x = z @ directions  # (n, M)
    t = torch.linspace(0.0, t_max, num_points, device=z.device, dtype=z.dtype)
    xt = x.unsqueeze(-1) * t  # (n, M, P)
    real, imag = torch.cos(xt).mean(dim=0), torch.sin(xt).mean(dim=0)  # (M, P)
    target = torch.exp(-0.5 * t * t)
    integrand = ((real - target) ** 2 + imag**2) * target
    stat = 2.0 * torch.trapezoid(integrand, t, dim=-1)
    return stat.mean()


@torch.no_grad()
def embedding_std(z: Tensor) -> float:
    """Mean over dimensions of the per-dimension standard deviation across the batch."""
    return float(z.float().std(dim=0).mean())


@torch.no_grad()
def effective_rank(z: Tensor) -> float:
    """exp(entropy) of the normalised singular values of the centred batch (1 = collapsed, D = full)."""
    zc = (z - z.mean(dim=0)).float()
    s = torch.linalg.svdvals(zc)
    total = float(s.sum())
    if total <= 1e-12:
        return 1.0
    p = s / total
    p = p[p > 0]
    return float(math.exp(float(-(p * p.log()).sum())))
