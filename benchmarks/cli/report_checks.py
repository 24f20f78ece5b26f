"""`actjepa report` input checks: every results file parses and renders, the Markdown file has its markers.

Run before anything is written, so a malformed JSON file, a file of another schema or a Markdown file
without generated-block markers is one line naming the file, and neither index.md nor the Markdown changes.
"""

from __future__ import annotations

from pathlib import Path

from actjepa.benchmarks.cli import guards
from actjepa.benchmarks.errors import UserError


def check_results_folder(folder: Path) -> None:
    """Every results file the report reads in `folder` is valid JSON of its schema; index.md can be written."""
    from actjepa.benchmarks.reporting.page import SCHEMA_ERRORS, UnreadableResults, plan, read_results
    from actjepa.benchmarks.reporting.sources import wall_time_line

    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder of results; run `actjepa demo` first")
    guards.check_output_file(folder / "index.md", force=True, flag="--folder")
    try:
        plan(folder, pending=True)
        for path in sorted(folder.glob("**/protocol.json")):
            try:
                wall_time_line(read_results(path))
            except SCHEMA_ERRORS as exc:
                raise UnreadableResults(path, f"{type(exc).__name__}: {str(exc)[:60]}") from None
    except UnreadableResults as exc:
        raise UserError(_message(exc)) from None


def _message(exc) -> str:
    """The one line for a results file the report cannot read (page.UnreadableResults)."""
    if exc.kind == "json":
        return f"{exc.path} is not valid JSON ({exc.detail}); delete it and rerun the command that wrote it"
    if exc.kind == "object":
        return f"{exc.path} is not a results file (a JSON object is expected); regenerate it or remove it"
    return (
        f"{exc.path} does not have the fields of a {exc.path.stem} results file ({exc.detail}); "
        "regenerate it with the command that wrote it or remove it"
    )


def check_readme(path: Path) -> None:
    """--readme is an existing, writable text file with the markers of at least one generated block."""
    from actjepa.benchmarks.reporting.report import BLOCKS, HEADLINE_BEGIN, HEADLINE_END, RESULTS_BEGIN, RESULTS_END

    guards.check_input_file(path, "--readme")
    guards.check_output_file(path, force=True, flag="--readme")
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        raise UserError(f"--readme {path} is not UTF-8 text; pass a Markdown file") from None
    if not any(begin in text and end in text for begin, end in BLOCKS):
        raise UserError(
            f"--readme {path} has no results markers; add the lines {RESULTS_BEGIN} and "
            f"{RESULTS_END} where the tables belong (or the headline markers {HEADLINE_BEGIN} and {HEADLINE_END})"
        )
