"""`actjepa bench planner` and `actjepa bench train`: speed and memory benchmarks that write JSON, never tests."""

from __future__ import annotations

from dataclasses import dataclass

from actjepa.benchmarks.perf.planner import PlannerBenchConfig
from actjepa.benchmarks.perf.train import TrainBenchConfig


@dataclass(frozen=True)
class BenchPlannerCommand:
    """Time per plan (eager and compiled) and its scaling in N, H and B, peak memory, FLOPs and matmul efficiency."""

    bench: PlannerBenchConfig
    "What to measure and where to write it."

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.benchmarks.perf.planner import run

        guards.check_output_file(self.bench.out, self.bench.force)
        guards.check_threads(self.bench.threads)
        guards.check_positive("--repeats", self.bench.repeats)
        guards.check_positive("--replan-every", self.bench.replan_every)
        guards.check_device(self.bench.device)
        run(self.bench)


@dataclass(frozen=True)
class BenchTrainCommand:
    """Training steps per second of the default reacher-size state model and of BC."""

    bench: TrainBenchConfig
    "What to measure and where to write it."

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.benchmarks.launch import check_process_count
        from actjepa.benchmarks.perf.train import run, summary
        from actjepa.world_model.training.config import preset
        from actjepa.world_model.training.distributed import Shard

        guards.check_output_file(self.bench.out, self.bench.force)
        guards.check_positive("--steps", self.bench.steps)
        guards.check_positive("--batch-size", self.bench.batch_size)
        guards.check_device(self.bench.device)
        check_process_count(self.bench.nproc_per_node, self.bench.device)
        batch_size = preset("default", batch_size=self.bench.batch_size).optim.batch_size
        Shard(world_size=self.bench.nproc_per_node).rows(batch_size)  # each process gets an equal share
        print(summary(run(self.bench)))
