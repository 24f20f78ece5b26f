"""Pieces of work record their own wall time, and the assembling run sums them by kind."""

from actjepa.benchmarks.experiments.work_time import LEDGER, record_work, recorded_work, timed, work_record


def test_pieces_are_summed_by_kind_and_a_rerun_replaces_its_own_time(tmp_path):
    record_work(tmp_path / "a", "train", 10.0)
    record_work(tmp_path / "a", "evaluate:1f", 2.0)
    record_work(tmp_path / "b" / "c", "evaluate:2e", 3.0)
    record_work(tmp_path / "b" / "c", "evaluate:2e", 4.0)  # evaluated again: its new time replaces the old
    assert recorded_work(tmp_path) == {"train": 10.0, "evaluate": 6.0}
    assert timed(tmp_path, "collect", lambda: 5) == 5
    record = work_record(tmp_path)
    assert set(record["work_seconds"]) == {"collect"} and (tmp_path / LEDGER).is_file()
    assert record["piece_seconds"] == {"train": 10.0, "evaluate": 6.0}  # the folder's own ledger is not a piece


def test_processor_time_counts_work_not_waiting():
    import time

    from actjepa.benchmarks.experiments.work_time import cpu_seconds

    before = cpu_seconds()
    time.sleep(0.2)  # waiting costs no processor time
    slept = cpu_seconds() - before
    start = cpu_seconds()
    sum(i * i for i in range(2_000_000))  # work does
    assert slept < cpu_seconds() - start and cpu_seconds() - start > 0
