"""`actjepa report` input checks: every results file parses and renders, the README has its markers.

Run before anything is written, so a malformed JSON file, a file of another schema or a README
without the results markers is one line naming the file, and neither index.md nor the README changes.
"""

from __future__ import annotations

from pathlib import Path

from actjepa.benchmarks.cli import guards
from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.io import read_json

SCHEMA_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, ZeroDivisionError)
"What a section raises when a results file lacks its fields or holds values of another type."


def _renders(path: Path, section, *args) -> None:
    """`section` renders the results file at `path`; UserError naming the file otherwise."""
    result = read_json(path)
    if not isinstance(result, dict):
        raise UserError(f"{path} is not a results file (a JSON object is expected); regenerate it or remove it")
    try:
        section(result, *args)
    except SCHEMA_ERRORS as exc:
        detail = f"{type(exc).__name__}: {str(exc)[:60]}"
        raise UserError(
            f"{path} does not have the fields of a {path.stem} results file ({detail}); "
            f"regenerate it with the command that wrote it or remove it"
        ) from None


def check_results_folder(folder: Path) -> None:
    """Every results file the report reads in `folder` is valid JSON of its schema; index.md can be written."""
    from actjepa.benchmarks.reporting import report, sections

    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder of results; run `actjepa demo` first")
    guards.check_output_file(folder / "index.md", force=True, flag="--folder")
    for name, section in report.SECTIONS:
        if (folder / f"{name}.json").exists():
            _renders(folder / f"{name}.json", section, "")
    for name, section in (
        ("bench_planner", sections.bench_planner_section),
        ("bench_train", sections.bench_train_section),
    ):
        if (folder / f"{name}.json").exists():
            _renders(folder / f"{name}.json", section)
    for sub in sorted(p for p in folder.iterdir() if (p / "results.json").is_file()):
        _renders(sub / "results.json", sections.controllers_section, "")
        if (sub / "data_efficiency.json").exists():
            _renders(sub / "data_efficiency.json", sections.efficiency_section, "")
    if (folder / "protocol.json").exists():
        _renders(folder / "protocol.json", _protocol_line)


def _protocol_line(protocol: dict) -> str:
    """The wall-time line report.results_markdown writes from protocol.json (reads the same fields)."""
    stages = ", ".join(f"{k} {float(v):.0f} s" for k, v in protocol["stage_seconds"].items())
    return f"{float(protocol['total_seconds']) / 60:.1f} min ({stages})"


def check_readme(path: Path) -> None:
    """--readme is an existing, writable text file with the results markers."""
    from actjepa.benchmarks.reporting.report import RESULTS_BEGIN, RESULTS_END

    guards.check_input_file(path, "--readme")
    guards.check_output_file(path, force=True, flag="--readme")
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        raise UserError(f"--readme {path} is not UTF-8 text; pass a Markdown file") from None
    if RESULTS_BEGIN not in text or RESULTS_END not in text:
        raise UserError(
            f"--readme {path} has no results markers; add the lines {RESULTS_BEGIN} and "
            f"{RESULTS_END} where the tables belong"
        )
