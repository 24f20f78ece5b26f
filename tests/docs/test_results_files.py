"""The results files under docs/results are what the commands wrote: no key typed in afterwards."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"
PROTOCOL_KEYS = {
    "protocol",
    "stage_seconds",
    "total_seconds",
    "work_seconds",
    "piece_seconds",
    "make_demo_seconds",
    "cpu_seconds",
    "machine",
    "code",
}
"Every key benchmarks.experiments.pipeline.Pipeline writes into protocol.json."


def test_protocol_files_hold_only_what_the_pipeline_writes():
    """Two of them carried a hand-typed `note` with wall times no run had recorded."""
    for path in sorted(RESULTS.rglob("protocol.json")):
        extra = set(json.loads(path.read_text())) - PROTOCOL_KEYS
        assert not extra, f"{path.relative_to(RESULTS)} has keys no code writes: {sorted(extra)}"


def test_the_pipeline_writes_the_keys_this_test_allows(tmp_path):
    """PROTOCOL_KEYS follows the code: a protocol.json written now has exactly those keys (the demo's own)."""
    from actjepa.benchmarks.experiments.pipeline import Pipeline
    from actjepa.benchmarks.experiments.protocols import ProtocolConfig

    pipeline = Pipeline(ProtocolConfig(compare=False), tmp_path / "work", tmp_path / "report", progress=False)
    pipeline.started_at = 0.0
    pipeline.run()
    assert set(json.loads((tmp_path / "report" / "protocol.json").read_text())) == PROTOCOL_KEYS
