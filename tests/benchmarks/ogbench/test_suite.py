"""A tiny OGBench run end to end: generated data, a few training steps, every kind of controller under the
official protocol, the results file, a rerun that reuses everything, and bad requests refused in one line."""

import json
from dataclasses import replace

import numpy as np
import pytest

from actjepa.benchmarks.cli import main
from actjepa.benchmarks.experiments.training import TrainSettings
from actjepa.benchmarks.ogbench.evaluation import OfficialEvaluation
from actjepa.benchmarks.ogbench.graph import GraphConfig
from actjepa.benchmarks.ogbench.published import PUBLISHED
from actjepa.benchmarks.ogbench.suite import OGBenchSuite, run_suite
from actjepa.envs.ogbench.generate import GenerateConfig, generate
from actjepa.planner import ControllerConfig, PlannerConfig

DATASET = "pointmaze-medium-stitch-v0"


@pytest.fixture(scope="module")
def tiny_suite(tmp_path_factory):
    root = tmp_path_factory.mktemp("ogbench")
    suite = OGBenchSuite(
        dataset=DATASET,
        seeds=(0,),
        controllers=("policy", "mppi+prior", "subgoal:policy"),
        train=TrainSettings.of_preset("demo").with_changes(steps=3, batch_size=16, hindsight_discount=0.99),
        evaluation=OfficialEvaluation(episodes_per_task=1, batch_size=5),
        control=ControllerConfig(planner=PlannerConfig(num_samples=8, horizon=4, iterations=1, compile="off")),
        graph=GraphConfig(pool=60, waypoints=12),
        workdir=root / "runs",
        data_dir=root / "data",
    )
    generate(GenerateConfig(DATASET, suite.data_path(), seed=0, episodes=6, progress=False))  # 6: one held out
    return suite, run_suite(suite, progress=False)


def test_results_file_holds_every_controller_per_task_beside_the_published_numbers(tiny_suite):
    suite, record = tiny_suite
    assert record["dataset"] == DATASET and record["published"] == PUBLISHED[DATASET]
    assert record["protocol"]["tasks"] == 5 and record["protocol"]["episodes_per_task"] == 1
    rows = {row["controller"]: row for row in record["rows"]}
    assert set(rows) == {"policy", "mppi+prior", "subgoal:policy", "bc:policy"}
    for row in rows.values():
        assert row["episodes"] == 5 and set(row["per_task"]) == {f"task{k}" for k in range(1, 6)}
        assert 0.0 <= row["success_ci95"][0] <= row["success_mean"] <= row["success_ci95"][1] <= 100.0
        assert row["success_mean"] == pytest.approx(np.mean(list(row["per_task"].values())))
    models = record["training"]["models"]
    assert set(models) == {"jepa-seed0", "bc-seed0"} and all(m["steps"] == 3 for m in models.values())


def test_a_rerun_reuses_models_graphs_and_evaluations(tiny_suite, monkeypatch):
    import actjepa.benchmarks.ogbench.suite as suite_module

    suite, record = tiny_suite

    def refuse(*args, **kwargs):
        raise AssertionError("nothing may be evaluated again")

    monkeypatch.setattr(suite_module, "run_official", refuse)
    monkeypatch.setattr(suite_module, "build_graph", refuse)
    again = run_suite(suite, progress=False)
    assert json.dumps(again["rows"], sort_keys=True) == json.dumps(record["rows"], sort_keys=True)
    with pytest.raises(AssertionError, match="evaluated again"):  # a new controller is evaluated, alone
        run_suite(replace(suite, controllers=("mppi",)), progress=False)


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--dataset", "antmaze-large-navigate-v0"], "unknown OGBench dataset"),
        (["--dataset", DATASET, "--controllers", "oracle"], "unknown controller"),
        (["--dataset", DATASET, "--seeds", "-1"], "--seeds"),
        (["--dataset", DATASET, "--controllers", "partial:policy"], "constrain all of it"),
        (["--dataset", DATASET, "--partial-goal-prob", "0.5"], "constrain all of it"),
        (["--dataset", "cube-single-play-v0", "--partial-goal-prob", "2"], "--partial-goal-prob must be"),
    ],
)
def test_bad_requests_end_in_one_line(args, word, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["reproduce", "ogbench", *args, "--workdir", str(tmp_path / "w"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and len(err.splitlines()) == 1 and word in err
    assert not (tmp_path / "o").exists()


def test_a_data_file_of_another_recipe_is_refused(tiny_suite, capsys, tmp_path):
    suite, _ = tiny_suite
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "pointmaze-medium-navigate-v0-seed0.h5").symlink_to(suite.data_path())
    with pytest.raises(SystemExit):
        main(["reproduce", "ogbench", "--dataset", "pointmaze-medium-navigate-v0", "--data-dir", str(data_dir),
              "--out", str(tmp_path / "o")])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert "another recipe" in err and len(err.splitlines()) == 1 and not (tmp_path / "o").exists()


def test_cost_ranking_compares_each_cost_with_the_true_steps_around_the_walls(tiny_suite):
    from actjepa.benchmarks.ogbench.ranking import rank_costs

    suite, _ = tiny_suite
    ranking = rank_costs(suite, seed=0, pairs=40, progress=False)
    assert ranking["dataset"] == DATASET and ranking["pairs"] == 40 and ranking["held_out_episodes"] >= 1
    assert set(ranking) >= {"latent_l2", "value", "graph"}
    for name in ("latent_l2", "value"):  # every pair has a finite latent distance and learned steps-to-go
        assert ranking[name]["finite_fraction"] == 1.0 and -1.0 <= ranking[name]["spearman"] <= 1.0
    assert 0 <= ranking["far_pairs"] <= 40


def test_a_bc_baseline_of_one_action_per_chunk_trains_in_a_folder_of_its_own(tiny_suite):
    suite, _ = tiny_suite
    gcbc = replace(suite, controllers=(), baseline_chunk=1)
    record = run_suite(gcbc, progress=False)
    assert [row["controller"] for row in record["rows"]] == ["bc:policy"]
    assert record["protocol"]["baseline_chunk"] == 1
    info = json.loads((suite.folder / "bc-chunk1-seed0" / "checkpoint.json").read_text())
    assert info["model_config"]["chunk_len"] == 1
    assert json.loads((suite.folder / "bc-seed0" / "checkpoint.json").read_text())["model_config"]["chunk_len"] > 1


def test_models_trained_with_partial_goals_have_folders_of_their_own():
    from actjepa.benchmarks.ogbench.suite import model_folder, training_settings

    suite = OGBenchSuite(dataset="cube-single-play-v0", partial_goal_prob=0.5)
    assert model_folder(suite, 2, None) == "jepa-partial0.5-seed2" and model_folder(suite, 2, "bc") == "bc-seed2"
    assert model_folder(OGBenchSuite(), 0, None) == "jepa-seed0"
    assert (
        training_settings(suite, False).partial_goal_prob == 0.5
        and training_settings(suite, True).partial_goal_prob == 0
    )
