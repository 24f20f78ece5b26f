"""The memory guard of every protocol passes on a machine of ordinary size (refusals are in test_bad_input.py)."""

from __future__ import annotations


def test_every_protocol_plans_within_4_gib(tmp_path, monkeypatch):
    """Every built-in protocol's largest plan fits in 4 GiB; with 1 MiB free reproduce stops (test_bad_input.py)."""
    import actjepa.planner.limits as limits
    from actjepa.benchmarks.cli.guards import check_protocol
    from actjepa.benchmarks.experiments.protocols import PROTOCOLS, protocol

    monkeypatch.setattr(limits, "available_memory_bytes", lambda device="cpu": 4 * 2**30)
    for name in PROTOCOLS:
        check_protocol(protocol(name, task="reacher"), tmp_path / "w", tmp_path / "r", force=False)
    assert list(tmp_path.iterdir()) == []
