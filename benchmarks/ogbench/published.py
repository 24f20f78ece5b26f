"""Published success rates (%) of OGBench's six reference methods, mean over 8 seeds."""

from __future__ import annotations

SOURCE = (
    "Park, Frans, Eysenbach and Levine, OGBench: Benchmarking Offline Goal-Conditioned RL, ICLR 2025 "
    "(arXiv 2410.20092), results table of the state-based environments (success %, mean over 8 seeds)"
)
"Where the numbers below are quoted from."

METHODS = ("GCBC", "GCIVL", "GCIQL", "QRL", "CRL", "HIQL")
"The six offline goal-conditioned methods OGBench evaluates."

PUBLISHED: dict[str, dict[str, float]] = {
    "pointmaze-medium-navigate-v0": dict(zip(METHODS, (9, 63, 53, 82, 29, 79), strict=True)),
    "pointmaze-large-navigate-v0": dict(zip(METHODS, (29, 45, 34, 86, 39, 58), strict=True)),
    "pointmaze-medium-stitch-v0": dict(zip(METHODS, (23, 70, 21, 80, 0, 74), strict=True)),
    "cube-single-play-v0": dict(zip(METHODS, (6, 53, 68, 5, 19, 15), strict=True)),
}
"Dataset -> method -> published success (%)."


def best_published(dataset: str) -> tuple[str, float]:
    """The best published method on a dataset and its success (%)."""
    method = max(PUBLISHED[dataset], key=PUBLISHED[dataset].get)
    return method, PUBLISHED[dataset][method]
