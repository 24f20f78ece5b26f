"""`actjepa report --readme` rewrites the results block in place (bad results files and READMEs: test_bad_input.py)."""

from __future__ import annotations

from actjepa.benchmarks.reporting.report import RESULTS_BEGIN, RESULTS_END


def test_readme_with_markers_is_updated_and_keeps_its_mode(cli, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# project\n{RESULTS_BEGIN}\nold\n{RESULTS_END}\ntail\n")
    readme.chmod(0o644)
    code, out, err = cli("report", "--folder", tmp_path, "--readme", readme)
    assert code == 0, err
    text = readme.read_text()
    assert "old" not in text and text.endswith(f"{RESULTS_END}\ntail\n") and (readme.stat().st_mode & 0o777) == 0o644
