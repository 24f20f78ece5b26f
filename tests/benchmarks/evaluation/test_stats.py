"""Wilson interval against the roots of (p_hat - p)^2 = z^2 p (1 - p) / n, found numerically."""

import pytest

from actjepa.benchmarks.evaluation.stats import wilson_interval


@pytest.mark.parametrize(
    "successes, trials, low, high",
    [
        (0, 10, 0.0, 0.2775328),
        (10, 10, 0.7224672, 1.0),
        (5, 10, 0.2365931, 0.7634069),
        (95, 100, 0.8882495, 0.9784563),
        (81, 263, 0.2552885, 0.3662096),
    ],
)
def test_wilson_matches_reference(successes, trials, low, high):
    lo, hi = wilson_interval(successes, trials)
    assert lo == pytest.approx(low, abs=1e-6)
    assert hi == pytest.approx(high, abs=1e-6)


def test_wilson_is_exact_at_the_extremes():
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
