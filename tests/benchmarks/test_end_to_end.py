"""collect -> train -> eval -> plot -> report on a tiny budget, through the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from actjepa import envs
from actjepa.benchmarks.cli import main
from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.benchmarks.evaluation.run import evaluate
from actjepa.benchmarks.evaluation.summary import strip_timings
from actjepa.benchmarks.reporting.report import RESULTS_BEGIN, RESULTS_END
from actjepa.planner import ControllerConfig, PlannerConfig

pytestmark = pytest.mark.slow


def small_eval(controllers: tuple[str, ...], episodes: int, batch_size: int) -> EvalConfig:
    """A tiny budget: N=16, H=4, 2 iterations, replanning every 2 steps."""
    control = ControllerConfig(planner=PlannerConfig(num_samples=16, horizon=4, iterations=2), replan_every=2)
    return EvalConfig(controllers=controllers, episodes=episodes, batch_size=batch_size, control=control)


def run_cli(*args: str) -> None:
    try:
        main(list(args))
    except SystemExit as exc:
        assert exc.code in (0, None), f"actjepa {' '.join(args)} exited with {exc.code}"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    data, run = root / "data.h5", root / "jepa"
    run_cli(
        "collect",
        "--task",
        "reacher",
        "--source",
        "expert",
        "--episodes",
        "12",
        "--noise",
        "0.1",
        "--out",
        str(data),
        "--seed",
        "0",
    )
    run_cli("train", "--data", str(data), "--out", str(run), "--steps", "12", "--batch-size", "16")
    return root, data, run


def test_eval_writes_results_with_schema(trained, tmp_path):
    _, _, run = trained
    out = tmp_path / "eval"
    run_cli(
        "eval",
        "--checkpoint",
        str(run),
        "--out",
        str(out),
        "--controller",
        "policy",
        "--controller",
        "mppi+prior",
        "--controller",
        "oracle",
        "--episodes",
        "3",
        "--batch-size",
        "2",
        "--num-samples",
        "16",
        "--horizon",
        "4",
        "--iterations",
        "2",
        "--replan-every",
        "2",
    )
    results = json.loads((out / "results.json").read_text())
    assert results["task"] == "reacher" and results["episodes"] == 3
    assert set(results["controllers"]) == {"policy", "mppi+prior", "oracle"}
    first = int(envs.seeds.evaluation_seeds(1)[0])
    assert results["evaluation_seeds"] == {"split": "test", "first": first, "last": first + 2, "count": 3}
    for entry in results["controllers"].values():
        assert entry["episodes"] == 3
        assert 0 <= entry["successes"] <= 3
        assert entry["success_rate"] == pytest.approx(entry["successes"] / 3)
        lo, hi = entry["success_ci95"]
        assert 0 <= lo <= entry["success_rate"] <= hi <= 1
        assert entry["mean_final_distance"] >= 0
        assert entry["median_ms_per_action"] > 0
    # The oracle plans on the true simulator: with even a small budget it reaches reacher goals.
    assert results["controllers"]["oracle"]["mean_final_distance"] < 0.05
    # An existing results file is not overwritten without --force.
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--checkpoint", str(run), "--out", str(out), "--episodes", "1"])
    assert exc.value.code == 2


def test_rerun_gives_identical_numbers_and_batching_does_not_matter(trained):
    _, _, run = trained
    from actjepa.world_model import load_model

    model, _ = load_model(run)
    info = {"task": "reacher", "obs_mode": "state"}
    cfg = small_eval(("policy", "mppi+prior"), episodes=4, batch_size=4)
    first = strip_timings(evaluate(model, info, cfg, progress=False))
    second = strip_timings(evaluate(model, info, cfg, progress=False))
    assert first == second
    split = small_eval(cfg.controllers, episodes=4, batch_size=2)
    third = strip_timings(evaluate(model, info, split, progress=False))
    for name in cfg.controllers:
        for key in ("successes", "mean_final_distance", "mean_steps_to_success"):
            expected = first["controllers"][name][key]
            got = third["controllers"][name][key]
            assert got == (expected if expected is None else pytest.approx(expected, rel=1e-5))


class SimulatorAccessed(AssertionError):
    pass


def test_learned_controllers_never_touch_simulator_state(trained, monkeypatch):
    """The scorer reads simulator state; a learned controller must work with every sim accessor poisoned."""
    _, _, run = trained
    from actjepa.benchmarks.evaluation import run as evaluation_run
    from actjepa.world_model import load_model

    model, _ = load_model(run)
    real_make = envs.make
    touched = []

    def poisoned_make(*args, **kwargs):
        env = real_make(*args, **kwargs)

        def forbidden(*_a, **_k):
            touched.append(True)
            raise SimulatorAccessed("a controller read simulator state")

        env.simulate = forbidden
        env.get_sim_state = forbidden
        env.set_sim_state = forbidden
        return env

    monkeypatch.setattr(evaluation_run.envs, "make", poisoned_make)
    cfg = small_eval(("policy", "cem", "mppi+prior"), episodes=2, batch_size=2)
    results = evaluate(model, {"task": "reacher", "obs_mode": "state"}, cfg, progress=False)
    assert not touched
    assert set(results["controllers"]) == {"policy", "cem", "mppi+prior"}
    # The oracle is the one controller that does use the simulator.
    with pytest.raises(SimulatorAccessed):
        evaluate(
            model,
            {"task": "reacher", "obs_mode": "state"},
            small_eval(("oracle",), episodes=2, batch_size=2),
            progress=False,
        )


def test_report_and_readme_block_are_generated_from_json(trained, tmp_path):
    _, _, run = trained
    out = tmp_path / "report"
    run_cli(
        "eval",
        "--checkpoint",
        str(run),
        "--out",
        str(out),
        "--controller",
        "policy",
        "--episodes",
        "2",
        "--batch-size",
        "2",
    )
    horizon = {
        "task": "reacher",
        "episodes": 2,
        "planners": {
            "mppi": [
                {"horizon": h, "success_rate": 0.5, "success_ci95": [0.1, 0.9], "median_ms_per_action": float(h)}
                for h in (1, 2)
            ]
        },
        "references": {"policy": json.loads((out / "results.json").read_text())["controllers"]["policy"]},
    }
    (out / "horizon.json").write_text(json.dumps(horizon))
    from actjepa.benchmarks.reporting import plots

    plots.sweep_plot(horizon, "horizon", "H", out / "horizon.png", "test")
    readme = tmp_path / "README.md"
    readme.write_text(f"# t\n\n{RESULTS_BEGIN}\nSTALE-BLOCK\n{RESULTS_END}\n\ntail\n")
    run_cli("report", "--folder", str(out), "--readme", str(readme))
    text = readme.read_text()
    assert "STALE-BLOCK" not in text and text.endswith("tail\n")
    assert "horizon.png" in text and "| `policy` |" in text
    block = text[text.index(RESULTS_BEGIN) :]
    assert block.index("| `policy` |") < block.index("horizon.png")  # the controllers' group first (page.GROUPS)
    assert (out / "index.md").exists() and (out / "horizon.png").stat().st_size > 1000
    assert np.isfinite(json.loads((out / "results.json").read_text())["controllers"]["policy"]["success_rate"])


def test_eval_videos_show_every_step(trained, tmp_path):
    _, _, run = trained
    import imageio.v2 as imageio

    out = tmp_path / "videos"
    run_cli(
        "eval",
        "--checkpoint",
        str(run),
        "--out",
        str(out),
        "--controller",
        "policy",
        "--episodes",
        "1",
        "--batch-size",
        "1",
        "--videos",
        "1",
    )
    frames = imageio.mimread(out / "videos" / "policy_episode0.gif")
    assert len(frames) == envs.task_spec("reacher").max_episode_steps
    assert frames[0].shape[0] > 100 and frames[0].shape[1] > 300  # scene, goal observation and path panels
    assert not np.array_equal(frames[0], frames[-1])  # the arm moved and the path grew
