"""`actjepa report`: malformed JSON, results of another schema and a README without markers are one line each,
and neither index.md nor the README changes."""

from __future__ import annotations

import pytest

from actjepa.benchmarks.reporting.report import RESULTS_BEGIN, RESULTS_END
from tests.benchmarks.cli.conftest import one_line_error


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("horizon.json", '{"episodes": ', "horizon.json is not valid JSON"),
        ("results.json", "[1, 2, 3]", "results.json is not a results file (a JSON object is expected)"),
        ("horizon.json", '{"unrelated": 1}', "horizon.json does not have the fields of a horizon results file"),
        ("bench_train.json", '{"models": 3}', "bench_train.json does not have the fields"),
        ("protocol.json", '{"stage_seconds": {"train": "x"}, "total_seconds": 1}', "protocol.json does not have"),
        ("sub/results.json", '{"controllers": 1}', "sub/results.json does not have the fields"),
    ],
)
def test_bad_results_files_are_one_line_and_nothing_is_written(cli, tmp_path, name, content, fragment):
    """On main these printed JSONDecodeError or KeyError tracebacks."""
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(content)
    line = one_line_error(*cli("report", "--folder", tmp_path)[::2])
    assert fragment in line
    assert not (tmp_path / "index.md").exists()


def test_readme_without_markers_is_one_line_and_unchanged(cli, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# project\n\nno markers here\n")
    line = one_line_error(*cli("report", "--folder", tmp_path, "--readme", readme)[::2])
    assert "has no results markers" in line and RESULTS_BEGIN in line
    assert readme.read_text() == "# project\n\nno markers here\n"
    assert not (tmp_path / "index.md").exists()


def test_missing_readme_is_one_line(cli, tmp_path):
    line = one_line_error(*cli("report", "--folder", tmp_path, "--readme", tmp_path / "nope.md")[::2])
    assert "--readme" in line and "does not exist" in line


def test_readme_with_markers_is_updated_and_keeps_its_mode(cli, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# project\n{RESULTS_BEGIN}\nold\n{RESULTS_END}\ntail\n")
    readme.chmod(0o644)
    code, out, err = cli("report", "--folder", tmp_path, "--readme", readme)
    assert code == 0, err
    text = readme.read_text()
    assert "old" not in text and text.endswith(f"{RESULTS_END}\ntail\n") and (readme.stat().st_mode & 0o777) == 0o644
