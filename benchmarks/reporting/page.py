"""What the results page shows, and in which order: one section per results file, grouped by question.

The page is planned from a results folder (its files and its subfolders, each another protocol run) as a list
of `Section`s, then drawn group by group, every section followed by the line that names its file, machine and
commit (benchmarks.reporting.sources). To add a kind of result, write its section function in a module of its
own and register it here: a file name in `FILE_SECTIONS`, or a subfolder in `FOLDER_SECTIONS` (which then
replaces the folder's entry in `PENDING`, the slots shown until a result lands).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from actjepa.benchmarks.reporting import quality, sections

GROUPS: dict[str, str] = {
    "controllers": "Controllers: planning against the policy",
    "regimes": "When planning beats the policy: data regimes",
    "efficiency": "Data efficiency: ACT-JEPA against behaviour cloning",
    "ogbench": "OGBench (official protocol)",
    "pixels": "From pixels",
    "ablations": "What each change buys: ablations and the anti-collapse term",
    "sweeps": "Planning budget: horizon, samples and training length",
    "quality": "Model quality: open-loop prediction and goal calibration",
    "speed": "Speed",
}
"Page groups in page order: key -> heading."


@dataclass(frozen=True)
class Section:
    """One rendered section of the page."""

    group: str
    "Key of GROUPS it belongs to."
    lines: list[str]
    "Its Markdown lines, heading first."
    source: Path | None = None
    "The results file it renders (None: a slot with no result yet)."
    result: dict | None = None
    "That file's content (for its source line)."


def load(folder: Path, name: str) -> dict | None:
    """folder/NAME.json, or None where it does not exist."""
    path = Path(folder) / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _with_task(result: dict, folder: Path) -> dict:
    """A training-time file (goal calibration) gets the task of its folder's protocol.json, so its heading names it."""
    protocol = load(folder, "protocol")
    return result if "task" in result or not protocol else {**result, "task": protocol["protocol"]["task"]}


def _controllers(result: dict, prefix: str, folder: Path) -> list[str]:
    from actjepa.benchmarks.evaluation.baselines import BASELINES_FILE

    baselines = load(folder, Path(BASELINES_FILE).stem)
    return sections.controllers_section(result, prefix, load(folder, "protocol"), baselines)


def _controllers_group(result: dict) -> str:
    return "pixels" if result.get("obs_mode") == "pixels" else "controllers"


@dataclass(frozen=True)
class FileSection:
    """How one results file name becomes a section."""

    group: str | Callable[[dict], str]
    "Key of GROUPS, or a function of the result that picks it."
    render: Callable[[dict, str, Path], list[str]]
    "(result, figure prefix, folder) -> Markdown lines."
    in_subfolders: bool = True
    "Shown for subfolders too (False: only for the folder the page is made of)."
    hidden_by: str | None = None
    "In a subfolder, not shown when this results file is there (it is that run's main result)."


FILE_SECTIONS: dict[str, FileSection] = {
    "horizon": FileSection("sweeps", lambda r, p, f: sections.horizon_section(r, p), in_subfolders=False),
    "results": FileSection(_controllers_group, _controllers, hidden_by="data_efficiency"),
    "budget": FileSection("sweeps", lambda r, p, f: sections.budget_section(r, p)),
    "data_efficiency": FileSection("efficiency", lambda r, p, f: sections.efficiency_section(r, p)),
    "open_loop": FileSection("quality", lambda r, p, f: quality.open_loop_section(r, p), in_subfolders=False),
    "jepa_calibration": FileSection("quality", lambda r, p, f: quality.calibration_section(_with_task(r, f), p)),
    "ablation": FileSection("ablations", lambda r, p, f: quality.ablation_section(r, p)),
    "regularizer": FileSection("ablations", lambda r, p, f: quality.regularizer_section(r, p)),
    "training_steps": FileSection("sweeps", lambda r, p, f: quality.training_steps_section(r, p)),
    "bench_planner": FileSection("speed", lambda r, p, f: sections.bench_planner_section(r)),
    "bench_train": FileSection("speed", lambda r, p, f: sections.bench_train_section(r)),
}
"Results file name (without .json) -> its section, in the order a folder's sections appear within a group."


def _regimes(folder: Path, prefix: str) -> list[Section]:
    from actjepa.benchmarks.reporting.regimes import regimes_section

    found = []
    for path in sorted(folder.glob("*.json")):
        result = read_results(path)
        found.append(Section("regimes", _render(path, lambda r: regimes_section(r, prefix), result), path, result))
    return found


def _ogbench(folder: Path, prefix: str) -> list[Section]:
    from actjepa.benchmarks.reporting.ogbench import file_lines, file_order

    found = []
    for path in sorted(folder.glob("*.json"), key=file_order):
        result = read_results(path)
        found.append(Section("ogbench", _render(path, lambda r: file_lines(r, prefix), result), path, result))
    return found


FOLDER_SECTIONS: dict[str, Callable[[Path, str], list[Section]]] = {"regimes": _regimes, "ogbench": _ogbench}
"Subfolders drawn by a function of their own: folder name -> (folder, figure prefix) -> sections."

PENDING: dict[str, tuple[str, str]] = {
    "ogbench": (
        "ogbench",
        "Not run yet. `actjepa reproduce ogbench --dataset NAME --out docs/results/ogbench` writes a dataset's "
        "results into `ogbench/` in this folder, and they are drawn here.",
    ),
}
"Slots of results that have not landed: subfolder -> (group, text); shown while the subfolder holds no results."


SCHEMA_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, ZeroDivisionError)
"What a section raises when a results file lacks its fields or holds values of another type."


class UnreadableResults(Exception):
    """A results file that is not JSON of the fields its section reads."""

    def __init__(self, path: Path, detail: str, kind: str = "fields") -> None:
        super().__init__(f"{path}: {detail}")
        self.path, self.detail, self.kind = Path(path), detail, kind
        "kind: 'json' (not JSON), 'object' (JSON, not an object) or 'fields' (not the fields its section reads)."


def read_results(path: Path) -> dict:
    """A results file as a dict, or UnreadableResults naming it."""
    try:
        result = json.loads(Path(path).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UnreadableResults(path, f"{str(exc)[:60]}", "json") from None
    if not isinstance(result, dict):
        raise UnreadableResults(path, "a JSON object is expected", "object")
    return result


def _render(path: Path, render: Callable[[dict], list[str]], result: dict) -> list[str]:
    try:
        return render(result)
    except SCHEMA_ERRORS as exc:
        raise UnreadableResults(path, f"{type(exc).__name__}: {str(exc)[:60]}") from None


def folder_sections(folder: Path, prefix: str, top: bool) -> list[Section]:
    """The sections of the results files directly in `folder` (the page's own folder when `top`)."""
    found = []
    for name, spec in FILE_SECTIONS.items():
        path = Path(folder) / f"{name}.json"
        if not path.exists() or not (top or spec.in_subfolders):
            continue
        if not top and spec.hidden_by and (Path(folder) / f"{spec.hidden_by}.json").exists():
            continue
        result = read_results(path)
        group = spec.group(result) if callable(spec.group) else spec.group
        lines = _render(path, lambda r, spec=spec: spec.render(r, prefix, Path(folder)), result)
        found.append(Section(group, lines, path, result))
    return found


def plan(folder: Path, prefix: str = "", pending: bool = False) -> list[Section]:
    """Every section of the page of `folder` in page order (`pending`: with the slots of results not yet run)."""
    folder = Path(folder)
    found = folder_sections(folder, prefix, top=True)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        handler, sub_prefix = FOLDER_SECTIONS.get(sub.name), f"{prefix}{sub.name}/"
        found += handler(sub, sub_prefix) if handler else folder_sections(sub, sub_prefix, top=False)
    if pending:
        for name, (group, text) in PENDING.items():
            if not any((folder / name).glob("*.json")):
                found.append(Section(group, [text, ""]))
    order = list(GROUPS)
    return sorted(found, key=lambda s: order.index(s.group))
