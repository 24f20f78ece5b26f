"""Episode seeds: training and evaluation draw from disjoint ranges by construction.

Training seeds lie in [0, EVALUATION_SEED_BASE); evaluation seeds start at
EVALUATION_SEED_BASE, a range training never touches. Held-out episodes come
in two splits: 'validation' (from VALIDATION_SEED_BASE), on which settings are
chosen, and 'test' (from EVALUATION_SEED_BASE), on which final numbers are
reported and which is used for nothing else. Every episode's start and goal
are a pure function of its seed.
"""

from __future__ import annotations

import numpy as np

from actjepa.envs.errors import EnvError

EVALUATION_SEED_BASE = 2**31
"""First evaluation seed; training seeds are always below it."""

VALIDATION_SEED_BASE = EVALUATION_SEED_BASE + 2**30
"""First validation seed: the validation split starts 2**30 seeds after the test split."""

SPLITS = ("test", "validation")
"""Held-out episode splits: 'test' reports numbers, 'validation' chooses settings."""


def training_seeds(seed: int, count: int) -> np.ndarray:
    """`count` distinct episode seeds below EVALUATION_SEED_BASE, a pure function of `seed`."""
    if count < 0:
        raise ValueError(f"episode count must be >= 0, got {count}")
    rng = np.random.default_rng(check_seed(seed))
    seeds = np.empty(0, dtype=np.int64)
    while len(seeds) < count:
        draw = rng.integers(0, EVALUATION_SEED_BASE, size=count - len(seeds), dtype=np.int64)
        seeds = np.concatenate([seeds, draw])
        _, first = np.unique(seeds, return_index=True)
        seeds = seeds[np.sort(first)]
    return seeds


def evaluation_seeds(count: int, split: str = "test") -> np.ndarray:
    """The first `count` reserved seeds of a held-out split (the same for every run)."""
    if count < 0 or count > 2**30:
        raise ValueError(f"episode count must be in [0, 2**30], got {count}")
    if split not in SPLITS:
        raise ValueError(f"split {split!r} is unknown; use test or validation")
    base = EVALUATION_SEED_BASE if split == "test" else VALIDATION_SEED_BASE
    return base + np.arange(count, dtype=np.int64)


def check_seed(seed: int, flag: str = "--seed") -> int:
    """`seed` as an int if it is a whole number >= 0, else an EnvError naming `flag`."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise EnvError(f"{flag} must be a whole number >= 0, got {seed!r}")
    return int(seed)
