"""Every result quoted in the hand-written documentation comes from a results file under docs/.

The hand-written parts of README.md and docs/*.md (everything outside the blocks `actjepa report` generates,
and outside fenced code) are scanned for percentages and times (ms, s, min, h). Each number must be what some
number of a JSON file under docs/ rounds to at the precision written (a fraction as a percentage, seconds
as minutes or hours, and so on). Numbers that are settings or targets, not results, are listed in ALLOWED,
each with the words around it, and reviewed like code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GENERATED = re.compile(r"<!-- (results|headline|ogbench):begin.*?<!-- \1:end -->", re.DOTALL)
FENCED = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
NUMBER = r"\d+(?:\.\d+)?"
QUOTED = re.compile(
    rf"(?<![\w.\-/])({NUMBER}(?:\s*(?:-|–|/| to )\s*{NUMBER})*)\s*(%|ms\b|s\b|min\b|minutes\b|h\b|hours\b)"
)
UNIT_SOURCES = {
    "%": (
        (r"", 100.0, True),
        (r"percent|pct|ogbench/.*(success|per_seed|per_task|published)", 1.0, False),  # OGBench files hold percents
    ),
    "ms": ((r"ms|millisecond", 1.0, False), (r"second", 1000.0, False)),
    "s": ((r"second|compile", 1.0, False), (r"ms|millisecond", 0.001, False)),
    "min": ((r"second", 1 / 60, False), (r"minute", 1.0, False)),
    "minutes": ((r"second", 1 / 60, False), (r"minute", 1.0, False)),
    "h": ((r"second", 1 / 3600, False), (r"minute", 1 / 60, False)),
    "hours": ((r"second", 1 / 3600, False), (r"minute", 1 / 60, False)),
}
"""Unit -> (pattern of the JSON key path, factor, fractions only): where a number quoted in that unit may come from.
A percentage is 100 times a fraction anywhere (or a number under a key that says percent); a time is a number
under a key that names its unit (ms, seconds, minutes), converted."""
LONG_LIST = 16
"Lists of more numbers than this (per-episode outcomes, scatter points) are data, not quoted results."

ALLOWED = {
    # settings and targets, not results: (file, the text around the number)
}
"(file, text around the number) -> why the number is not a result. Reviewed like code."


def hand_written(path: Path) -> str:
    """The text of `path` outside generated blocks and fenced code."""
    return FENCED.sub("", GENERATED.sub("", path.read_text()))


def json_numbers() -> list[tuple[str, float]]:
    """(key path, number) of every number in every JSON file under docs/, except those of long lists."""
    found: list[tuple[str, float]] = []

    def walk(value, path: str) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, (int, float)):
            found.append((path.lower(), float(value)))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}/{key}")
        elif isinstance(value, list) and not (
            len(value) > LONG_LIST and all(isinstance(v, (int, float, bool)) for v in value)
        ):
            for item in value:
                walk(item, path)

    for path in sorted(DOCS.rglob("*.json")):
        walk(json.loads(path.read_text()), path.relative_to(DOCS).as_posix())
    return found


def sourced(text: str, unit: str, numbers: list[tuple[str, float]]) -> bool:
    """Whether some JSON number from a key of the unit, converted to it, rounds to `text` at its written precision."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    target, tolerance = float(text), 0.5 * 10**-decimals + 1e-9
    for pattern, factor, fractions in UNIT_SOURCES[unit]:
        keys = re.compile(pattern)
        for path, value in numbers:
            if fractions and not (0.0 <= value <= 1.0 and not value.is_integer() or value in (0.0, 1.0)):
                continue
            if keys.search(path) and abs(value * factor - target) <= tolerance:
                return True
    return False


def unsourced_numbers() -> list[str]:
    values = json_numbers()
    problems = []
    for path in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = hand_written(path)
        for match in QUOTED.finditer(text):
            context = text[max(0, match.start() - 50) : match.end() + 10].replace("\n", " ")
            if any(path.name == name and snippet in context for name, snippet in ALLOWED):
                continue
            numbers = re.findall(NUMBER, match.group(1))
            missing = [n for n in numbers if not sourced(n, match.group(2), values)]
            if missing:
                problems.append(f"{path.name}: {', '.join(missing)} {match.group(2)} in '...{context.strip()}...'")
    return problems


def test_every_quoted_result_is_in_a_results_file():
    problems = unsourced_numbers()
    assert not problems, f"{len(problems)} numbers without a source:\n" + "\n".join(problems)
