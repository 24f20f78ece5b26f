"""Wall time of each piece of work, recorded beside what it made, so a run assembled from pieces can sum it.

A protocol run in pieces (several invocations on one work folder, or models trained in other folders and moved
in) finishes with an invocation that reuses everything and takes seconds. What each piece cost is written by
the piece itself into `work_seconds.json` beside its output, and the assembling invocation adds up every such
file under its work folder into protocol.json: no time is typed in afterwards.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from actjepa.benchmarks.io import write_json_atomic

LEDGER = "work_seconds.json"
"File name of a folder's record: label -> seconds of the work done for that folder."
T = TypeVar("T")


def record_work(folder: Path, label: str, seconds: float) -> None:
    """Set `label`'s seconds in folder/work_seconds.json (a rerun of the same work replaces its time)."""
    path = Path(folder) / LEDGER
    ledger = read_ledger(folder)
    ledger[label] = float(seconds)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, ledger)


def timed(folder: Path, label: str, work: Callable[[], T]) -> T:
    """Run `work`, record its wall time under `label` in `folder`, and return what it returned."""
    start = time.perf_counter()
    result = work()
    record_work(folder, label, time.perf_counter() - start)
    return result


def cpu_seconds() -> float:
    """Processor time (user and system) this process and its finished children have used so far: on a machine
    shared with other jobs it says what the work cost, where the wall time also counts the waiting."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def read_ledger(folder: Path) -> dict[str, float]:
    """folder/work_seconds.json (empty where no work was recorded there)."""
    path = Path(folder) / LEDGER
    return json.loads(path.read_text()) if path.is_file() else {}


def work_record(workdir: Path) -> dict[str, dict[str, float]]:
    """protocol.json's record of the work behind a run: the seconds of each stage as the invocation that ran it
    measured it (`work_seconds`), and the pieces kept in the work folder's subfolders (`piece_seconds`: models
    and evaluations of experiments, inside those stages when the same invocation made them)."""
    return {
        "work_seconds": read_ledger(workdir),
        "piece_seconds": recorded_work(workdir, skip=Path(workdir) / LEDGER),
    }


def recorded_work(root: Path, skip: Path | None = None) -> dict[str, float]:
    """Seconds summed over every work_seconds.json under `root` (except the file `skip`), per kind of work: the
    part of each label before ':' ('evaluate:3f2a...' counts as 'evaluate')."""
    totals: dict[str, float] = {}
    for path in sorted(Path(root).rglob(LEDGER)):
        if skip is not None and path.resolve() == Path(skip).resolve():
            continue
        for label, seconds in json.loads(path.read_text()).items():
            kind = label.split(":", 1)[0]
            totals[kind] = totals.get(kind, 0.0) + float(seconds)
    return totals
