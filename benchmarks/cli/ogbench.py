"""`actjepa reproduce ogbench`: one OGBench dataset under the official protocol, in one command."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.ogbench.suite import OGBenchSuite
from actjepa.planner import PlannerConfig


@dataclass(frozen=True)
class OGBenchCommand:
    """Reproduce an OGBench dataset: generate it, train ACT-JEPA and BC per seed, evaluate every controller on
    the five official tasks, write OUT/DATASET.json (reruns continue where they stopped)."""

    suite: OGBenchSuite = field(default_factory=OGBenchSuite)
    "The dataset, seeds, training, controllers and evaluation."
    out: Path = Path("results/ogbench")
    "Folder of the results file (DATASET.json); docs/results/ogbench holds the README's."
    force: bool = False
    "Replace an existing results file (models and kept evaluations are reused either way)."
    sweep_samples: tuple[int, ...] = ()
    "Instead of the table: success against these sample counts N for the first planning controller and seed."
    sweep_horizons: tuple[int, ...] = ()
    "Instead of the table: success against these planning horizons H for the first planning controller and seed."
    cost_ranking: bool = False
    """Instead of the table: how well each planning cost (latent L2, learned steps-to-go, steps through the
    waypoint graph) ranks held-out states by the true steps around the walls (maze datasets), or, on a task whose
    goals constrain part of the observation (cube), whether the costs follow the goal's entries or the rest of
    it, toward whole and composed goals; for the first seed's model, written to OUT/DATASET-ranking.json."""
    hidden: ClassVar[dict[type, tuple[str, ...]]] = {PlannerConfig: ("method", "action_low", "action_high")}
    "Set by each controller's name and by the task's action range, not by options."

    def run(self) -> None:
        from actjepa.benchmarks.io import ensure_writable
        from actjepa.benchmarks.ogbench.checks import check_suite
        from actjepa.benchmarks.ogbench.suite import run_suite
        from actjepa.benchmarks.provenance import write_results_json

        check_suite(self.suite)
        if self.out.exists() and not self.out.is_dir():
            raise UserError(f"--out {self.out} is a file; pass a folder")
        if self.sweep_samples or self.sweep_horizons:
            self._sweeps()
            return
        if self.cost_ranking:
            self._ranking()
            return
        path = self.out / f"{self.suite.dataset}.json"
        ensure_writable(path, self.force)
        record = run_suite(self.suite)
        write_results_json(path, record, self.suite.device)
        print(f"wrote {path}")

    def _ranking(self) -> None:
        from actjepa import envs
        from actjepa.benchmarks.io import ensure_writable
        from actjepa.benchmarks.ogbench.goal_entries import rank_goal_entries
        from actjepa.benchmarks.ogbench.ranking import rank_costs
        from actjepa.benchmarks.provenance import write_results_json
        from actjepa.envs.ogbench import recipe
        from actjepa.envs.ogbench.vec_env import is_maze

        env = recipe(self.suite.dataset).env
        if not is_maze(env) and envs.task_spec(env).goal_obs_dims is None:
            raise UserError(
                f"--cost-ranking needs a maze dataset or goals of part of the observation; got {self.suite.dataset}"
            )
        rank = rank_costs if is_maze(env) else rank_goal_entries
        path = self.out / f"{self.suite.dataset}-ranking.json"
        ensure_writable(path, self.force)
        write_results_json(path, rank(self.suite, self.suite.seeds[0]), self.suite.device)
        print(f"wrote {path}")

    def _sweeps(self) -> None:
        from actjepa.benchmarks.io import ensure_writable
        from actjepa.benchmarks.ogbench.sweeps import sweep, sweep_plot
        from actjepa.benchmarks.provenance import write_results_json

        planners = [c for c in self.suite.controllers if c.split(":")[-1] != "policy"]
        if not planners:
            raise UserError("a sweep needs a planning controller in --controllers, e.g. --controllers mppi+prior")
        for swept, values, name in (
            ("num_samples", self.sweep_samples, "budget"),
            ("horizon", self.sweep_horizons, "horizon"),
        ):
            if not values:
                continue
            if min(values) < 1:
                raise UserError(f"swept values must be at least 1, got {min(values)}")
            path = self.out / f"{self.suite.dataset}-{name}.json"
            ensure_writable(path, self.force)
            result = sweep(self.suite, planners[0], swept, values)
            write_results_json(path, result, self.suite.device)
            sweep_plot(result, path.with_suffix(".png"))
            print(f"wrote {path}")
