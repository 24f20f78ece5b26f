"""`actjepa bench planner` and `actjepa bench train`: speed and memory benchmarks that write JSON, never tests."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.perf.planner import PlannerBenchConfig
from benchmarks.perf.train import TrainBenchConfig


@dataclass(frozen=True)
class BenchPlannerCommand:
    """Planning latency per action, peak memory, FLOPs and matmul efficiency."""

    bench: PlannerBenchConfig
    "What to measure and where to write it."

    def run(self) -> None:
        from benchmarks.perf.planner import run

        run(self.bench)


@dataclass(frozen=True)
class BenchTrainCommand:
    """Training steps per second of the default reacher-size state model and of BC."""

    bench: TrainBenchConfig
    "What to measure and where to write it."

    def run(self) -> None:
        from benchmarks.perf.train import run, summary

        print(summary(run(self.bench)))
