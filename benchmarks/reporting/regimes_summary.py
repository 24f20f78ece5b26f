"""One generated paragraph per regimes file: where planning beats the policy, where it loses, and by how much.

Planning wins (or loses) a regime when its pooled 95% interval lies wholly above (below) the policy's; anything
else is a tie within the intervals. The two regimes targets are decided from the same rows.
"""

from __future__ import annotations

from actjepa.benchmarks.experiments.targets import REGIMES_EXPERT_SLACK as EXPERT_SLACK
from actjepa.benchmarks.experiments.targets import REGIMES_WIN_POINTS as WIN_POINTS
from actjepa.benchmarks.reporting.tables import pct

PLANNER = "mppi+prior"
"The planner the paragraph compares with the policy."


def _verdict(planner: dict, policy: dict) -> str:
    """'win', 'loss' or 'tie' from the two pooled intervals."""
    if planner["success_ci95"][0] > policy["success_ci95"][1]:
        return "win"
    if planner["success_ci95"][1] < policy["success_ci95"][0]:
        return "loss"
    return "tie"


def _gap(regime: str, planner: dict, policy: dict) -> str:
    lead = 100 * (planner["success_rate"] - policy["success_rate"])
    return f"{regime} ({pct(planner['success_rate'])} against {pct(policy['success_rate'])}, {lead:+.1f} points)"


def _listed(items: list[str]) -> str:
    return "; ".join(items) if items else "none"


def regimes_summary(result: dict) -> list[str]:
    """The paragraph and target lines of one task's regimes file ([] when it has no planner/policy pairs)."""
    rows = {(r["regime"], r["controller"]): r for r in result["rows"]}
    regimes = [r for r in dict.fromkeys(r["regime"] for r in result["rows"]) if (r, "policy") in rows]
    pairs = {r: (rows[(r, PLANNER)], rows[(r, "policy")]) for r in regimes if (r, PLANNER) in rows}
    if not pairs:
        return []
    by = {"win": [], "loss": [], "tie": []}
    for regime, (planner, policy) in pairs.items():
        by[_verdict(planner, policy)].append(_gap(regime, planner, policy))
    text = (
        f"On {result['task']}, `{PLANNER}` beats the policy with separated 95% intervals in: {_listed(by['win'])}. "
        f"It loses with separated intervals in: {_listed(by['loss'])}. "
        f"Within the intervals in: {_listed(by['tie'])}."
    )
    unprimed = [
        _gap(r, rows[(r, "mppi")], rows[(r, "policy")])
        for r in regimes
        if (r, "mppi") in rows and _verdict(rows[(r, "mppi")], rows[(r, "policy")]) == "win"
    ]
    if unprimed:
        text += f" Without the prior, `mppi` beats the policy with separated intervals in: {_listed(unprimed)}."
    text += _oracle_sentence(rows, list(pairs))
    return ["**Where planning wins and loses.** " + text, "", *_targets(pairs), ""]


def _oracle_sentence(rows: dict, regimes: list[str]) -> str:
    """The simulator oracle's success, once for the regimes where it is the same."""
    by_rate: dict[str, list[str]] = {}
    for r in regimes:
        if (r, "oracle") in rows:
            by_rate.setdefault(pct(rows[(r, "oracle")]["success_rate"]), []).append(r)
    if not by_rate:
        return ""
    if len(by_rate) == 1:
        return f" The simulator oracle, which has no model error, reaches {next(iter(by_rate))} in every regime."
    parts = "; ".join(f"{rate} ({', '.join(names)})" for rate, names in by_rate.items())
    return f" The simulator oracle, which has no model error, reaches {parts}."


def _targets(pairs: dict[str, tuple[dict, dict]]) -> list[str]:
    """The regimes targets that these rows decide, each marked met or missed."""
    lines = []
    big = [
        r
        for r, (planner, policy) in pairs.items()
        if _verdict(planner, policy) == "win" and planner["success_rate"] - policy["success_rate"] >= WIN_POINTS
    ]
    met = "met" if big else "missed"
    lines.append(
        f"- `{PLANNER}` beats the policy by at least {100 * WIN_POINTS:.0f} points with separated intervals in at "
        f"least one regime ({', '.join(big) if big else 'in none'}): **{met}**"
    )
    if "expert" in pairs:
        planner, policy = pairs["expert"]
        gap = 100 * (planner["success_rate"] - policy["success_rate"])
        met = "met" if gap >= -100 * EXPERT_SLACK else "missed"
        lines.append(
            f"- expert regime: `{PLANNER}` at most {100 * EXPERT_SLACK:.0f} points below the policy "
            f"({gap:+.1f} points): **{met}**"
        )
    return ["Targets decided by this table:", "", *lines]
