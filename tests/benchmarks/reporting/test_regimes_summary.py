"""The generated regimes paragraph: wins, losses and ties read from the pooled intervals; targets decided."""

from actjepa.benchmarks.reporting.regimes import regimes_section
from actjepa.benchmarks.reporting.regimes_summary import regimes_summary


def _row(regime, controller, rate, lo, hi):
    return {
        "regime": regime,
        "controller": controller,
        "success_rate": rate,
        "success_ci95": [lo, hi],
        "seeds": 3,
        "episodes": 150,
        "per_seed": [rate] * 3,
    }


ROWS = [
    _row("expert", "policy", 1.0, 0.97, 1.0),
    _row("expert", "mppi+prior", 0.99, 0.96, 1.0),
    _row("expert", "oracle", 0.98, 0.9, 1.0),
    _row("play", "policy", 0.2, 0.14, 0.27),
    _row("play", "mppi+prior", 0.6, 0.52, 0.68),
    _row("kick", "policy", 0.9, 0.84, 0.94),
    _row("kick", "mppi+prior", 0.7, 0.62, 0.77),
    _row("noisy-0.3", "policy", 0.5, 0.42, 0.58),
    _row("noisy-0.3", "mppi+prior", 0.55, 0.47, 0.63),
]


def test_wins_losses_and_ties_follow_the_intervals_with_their_gaps():
    text = "\n".join(regimes_summary({"task": "reacher", "rows": ROWS}))
    assert "separated 95% intervals in: play (60.0% against 20.0%, +40.0 points)." in text
    assert "It loses with separated intervals in: kick (70.0% against 90.0%, -20.0 points)." in text
    assert "Within the intervals in: expert (99.0% against 100.0%, -1.0 points); noisy-0.3 (55.0%" in text
    assert "oracle, which has no model error, reaches 98.0% in every regime." in text
    assert "Without the prior" not in text
    assert "in at least one regime (play): **met**" in text
    assert "expert regime: `mppi+prior` at most 2 points below the policy (-1.0 points): **met**" in text


def test_targets_are_missed_when_the_numbers_miss_them():
    # a 40-point lead whose intervals overlap is not a win, and the expert planner is 3 points down
    rows = [
        _row("expert", "policy", 1.0, 0.97, 1.0),
        _row("expert", "mppi+prior", 0.97, 0.93, 0.99),
        _row("play", "policy", 0.2, 0.05, 0.7),
        _row("play", "mppi+prior", 0.6, 0.3, 0.8),
    ]
    text = "\n".join(regimes_summary({"task": "maze", "rows": rows}))
    assert "beats the policy with separated 95% intervals in: none." in text
    assert "in at least one regime (in none): **missed**" in text
    assert "(-3.0 points): **missed**" in text
    rows += [_row("play", "mppi", 0.9, 0.85, 0.95), _row("play", "oracle", 0.9, 0.8, 0.95)]
    rows += [_row("expert", "oracle", 0.98, 0.9, 1.0)]
    text = "\n".join(regimes_summary({"task": "maze", "rows": rows}))
    assert "Without the prior, `mppi` beats the policy with separated intervals in: play (90.0% against 20.0%" in text
    assert "oracle, which has no model error, reaches 98.0% (expert); 90.0% (play)." in text


def test_the_section_carries_the_paragraph_and_a_file_without_the_planner_has_none():
    section = "\n".join(regimes_section({"task": "reacher", "rows": ROWS}))
    assert section.index("| play |") < section.index("**Where planning wins and loses.**")
    only_policy = [r for r in ROWS if r["controller"] == "policy"]
    assert regimes_summary({"task": "reacher", "rows": only_policy}) == []
