"""OGBench's official evaluation: its five tasks, episodes that end at success or the time limit, side by side.

An episode counts as solved from its first successful step (OGBench terminates there and scores the final
`info["success"]`), and a task's success rate is over its episodes; the overall rate is the mean over tasks.
Episode seeds come from the reserved held-out ranges (test for reported numbers, validation for choosing
settings), task k taking the k-th block of them, and every episode's search noise is seeded by its index.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from actjepa import envs
from actjepa.benchmarks.evaluation.controllers import build_controller
from actjepa.benchmarks.evaluation.episodes import run_episodes
from actjepa.envs.ogbench import NUM_TASKS
from actjepa.envs.seeds import evaluation_seeds
from actjepa.planner import ControllerConfig
from actjepa.planner.partial_goal import PARTIAL_PREFIX, PartialGoalController
from actjepa.planner.subgoals import SubgoalConfig, SubgoalController, WaypointGraph

SUBGOAL_PREFIX = "subgoal:"
"A controller named subgoal:<name> is <name> handed waypoints of the model's graph as goals."


@dataclass(frozen=True)
class OfficialEvaluation:
    """The episodes of one evaluation under OGBench's protocol."""

    episodes_per_task: int = 50
    "Episodes of each of the five evaluation tasks (OGBench: 50)."
    split: str = "test"
    "'test' (reported numbers) or 'validation' (other seeds of the same tasks, for choosing settings)."
    batch_size: int = 250
    "Episodes run side by side (one batched environment and one batched plan)."

    def seeds_and_tasks(self) -> tuple[np.ndarray, np.ndarray]:
        """Episode seeds (5n,) and their task ids (5n,): task k runs the k-th block of n seeds."""
        n = self.episodes_per_task
        seeds = evaluation_seeds(NUM_TASKS * n, self.split)
        return seeds, np.repeat(np.arange(1, NUM_TASKS + 1), n)


def make_ogbench_controller(
    name: str,
    model: Any,
    env: Any,
    control: ControllerConfig,
    graph: WaypointGraph | None = None,
    subgoals: SubgoalConfig | None = None,
    prior: Any = None,
):
    """A named controller for an OGBench env; subgoal:<name> wraps <name> in the waypoint planner, partial:<name>
    hands <name> goals of which only the task's goal entries (TaskSpec.goal_obs_dims) come from the goal."""
    if name.startswith(PARTIAL_PREFIX):
        dims = env.spec.goal_obs_dims
        if dims is None:
            raise ValueError(
                f"{name} needs a task whose goals constrain part of the observation; {env.spec.name} has none"
            )
        inner = build_controller(name.removeprefix(PARTIAL_PREFIX), model, env, control, prior=prior)
        return PartialGoalController(inner, dims)
    inner_name = name.removeprefix(SUBGOAL_PREFIX)
    inner = build_controller(inner_name, model, env, control, prior=prior)
    if not name.startswith(SUBGOAL_PREFIX):
        return inner
    if graph is None:
        raise ValueError(f"{name} needs the model's waypoint graph")
    return SubgoalController(inner, model, graph, subgoals or SubgoalConfig())


def run_official(
    name: str,
    model: Any,
    task: str,
    protocol: OfficialEvaluation,
    control: ControllerConfig,
    graph: WaypointGraph | None = None,
    subgoals: SubgoalConfig | None = None,
    prior: Any = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run one controller on every episode of the protocol; per-episode outcomes and timings."""
    seeds, tasks = protocol.seeds_and_tasks()
    solved, first, ms, started = [], [], [], time.perf_counter()
    steps = envs.task_spec(task).max_episode_steps
    batches = range(0, len(seeds), protocol.batch_size)
    with tqdm(total=len(batches) * steps, desc=f"{task} {name}", unit="step", disable=not progress) as bar:
        for start in batches:
            index = np.arange(start, min(start + protocol.batch_size, len(seeds)))
            with envs.make(task, num_envs=len(index)) as env:
                env.set_tasks(tasks[index])
                controller = make_ogbench_controller(name, model, env, control, graph, subgoals, prior)
                record = run_episodes(
                    env,
                    controller,
                    seeds[index],
                    device=control.device or "cpu",
                    progress=bar,
                    controller_seeds=[control.seed + int(i) for i in index],
                    until_solved=True,
                )
            solved.append(record.ever_success)
            first.append(record.steps_to_success)
            ms.extend(record.ms_per_action)
    return {
        "controller": name,
        "seeds": seeds.tolist(),
        "tasks": tasks.tolist(),
        "success": np.concatenate(solved).astype(bool).tolist(),
        "steps_to_success": np.concatenate(first).tolist(),
        "wall_s": time.perf_counter() - started,
        "ms_per_action": float(np.mean(ms)) if ms else 0.0,
        "torch_threads": torch.get_num_threads(),
    }


def per_task_success(record: dict[str, Any]) -> dict[str, float]:
    """Success rate of each task ('task1'..'task5') from a run_official record."""
    success, tasks = np.asarray(record["success"]), np.asarray(record["tasks"])
    return {f"task{k}": float(success[tasks == k].mean()) for k in range(1, NUM_TASKS + 1)}


def overall_success(record: dict[str, Any]) -> float:
    """OGBench's number: the mean of the five tasks' success rates."""
    return float(np.mean(list(per_task_success(record).values())))
