"""Training diagnostics a user looks at: loss curves, embedding health, open-loop error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from actjepa.common import atomic_write  # noqa: E402

LOSS_KEYS = ("loss", "action", "latent", "predictor", "regularizer", "value")


def _save(fig, path: Path) -> None:
    """Save a figure atomically (temporary PNG in the same folder, then rename)."""
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, bbox_inches="tight"))
    finally:
        plt.close(fig)


def plot_loss_curves(metrics: list[dict[str, Any]], path: Path, title: str = "") -> None:
    """One log-scale panel per loss term against the training step."""
    keys = [k for k in LOSS_KEYS if any(m.get(k, 0) for m in metrics)]
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3), squeeze=False)
    steps = [m["step"] for m in metrics]
    for ax, key in zip(axes[0], keys, strict=True):
        ax.plot(steps, [max(m.get(key, 0.0), 1e-12) for m in metrics])
        ax.set_yscale("log")
        ax.set_title(key)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    fig.suptitle(title or "training losses")
    _save(fig, path)


def plot_embedding_health(metrics: list[dict[str, Any]], path: Path, latent_dim: int, title: str = "") -> None:
    """Mean per-dimension std and effective rank of the context latents over training."""
    steps = [m["step"] for m in metrics]
    fig, (ax_std, ax_rank) = plt.subplots(1, 2, figsize=(8, 3))
    ax_std.plot(steps, [m["emb_std"] for m in metrics])
    ax_std.set_title("embedding std (mean over dims)")
    ax_std.set_ylim(bottom=0)
    ax_rank.plot(steps, [m["eff_rank"] for m in metrics])
    ax_rank.axhline(latent_dim, color="gray", ls="--", lw=1, label=f"D = {latent_dim}")
    ax_rank.set_title("effective rank")
    ax_rank.set_ylim(bottom=0)
    ax_rank.legend()
    for ax in (ax_std, ax_rank):
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    fig.suptitle(title or "embedding health (collapse shows as both falling)")
    _save(fig, path)


def plot_open_loop(result: dict[str, Any], path: Path, title: str = "") -> None:
    """Normalised latent error vs rollout step: model against copy-last-latent."""
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(result["horizon"], result["model"], marker="o", ms=3, label="predictor rollout")
    ax.plot(result["horizon"], result["copy_last"], marker="s", ms=3, label="copy last latent")
    ax.set_xlabel("rollout step")
    ax.set_ylabel("latent error / mean pair distance")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title or f"open-loop prediction on {result['num_windows']} held-out windows")
    _save(fig, path)


def plot_calibration(result: dict[str, Any], path: Path, title: str = "") -> None:
    """Latent distance (and learned value) against the true goal distance of held-out states."""
    panels = [("latent_l2", "latent L2 distance to goal")] + (
        [("value", "learned value (steps)")] if "value" in result else []
    )
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.5), squeeze=False)
    for ax, (key, label) in zip(axes[0], panels, strict=True):
        ax.scatter(result["true_distance"], result[key], s=3, alpha=0.3)
        ax.set_xlabel("true distance to goal")
        ax.set_ylabel(label)
        ax.set_title(f"Spearman {result[key + '_spearman']:.2f}")
        ax.grid(alpha=0.3)
    fig.suptitle(title or f"goal-distance calibration on {result['points']} held-out states")
    _save(fig, path)
