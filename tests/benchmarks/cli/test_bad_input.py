"""Every bad input of the `actjepa` commands in one table: the command line and the word its one error line must name
(the option, the thing that is wrong, or the fix). Each ends with exit code 2 before any work: nothing is written.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
import torch

from tests.benchmarks.cli.bad_input_setup import (
    Bad,
    checkpoint_copy,
    dataset_copy,
    environment,
    files,
    files_under,
    foreign_file,
    free_memory,
    kept_outputs,
    one_gpu,
    places,
    run_folders,
    slide_tasks,
    user_module,
)
from tests.benchmarks.cli.conftest import one_line_error

CORES = os.cpu_count() or 1
PM = "--task point_mass"
TRAIN = "train --data {d} --out {t}/run --steps 2 --batch-size 8 --no-progress"
EVAL = "eval --checkpoint {c} --out {t}/ev"
REPRODUCE = "reproduce --task point_mass --workdir {t}/w --report {t}/r"
COMPARE = "--protocol compare --workdir {t}/w --report {t}/r"
DECODER = "decoder --checkpoint {t}/run --no-progress --data"
ARRAY_OBS = """
class ArrayObs(SlideToGoal):
    def reset(self, *, seed=None, options=None):
        return super().reset(seed=seed)[0]["observation"], {}
envs.register_task('array_obs', ArrayObs, lambda env, g: g, success_radius=0.05, max_episode_steps=10)
"""
BAD_MODULES = {
    "raises_on_import": ("raise RuntimeError('the simulator license is missing')", "the simulator license is missing"),
    "takes_builtin_name": (
        "envs.register_task('reacher', SlideToGoal, lambda env, g: g, success_radius=0.05, max_episode_steps=10)",
        "pick another name",
    ),
    "array_observation": (textwrap.dedent(ARRAY_OBS), "goal dict"),
    "wrong_expert": (
        "envs.register_task('wrong_expert', SlideToGoal, lambda env, g: g, success_radius=0.05, "
        "max_episode_steps=10, expert=lambda obs: np.zeros((len(obs['observation']), 3)))",
        "expected (2, 1)",
    ),
}
RESULTS = {
    "results-not-json": ("horizon.json", '{"episodes": ', "not valid JSON"),
    "results-not-an-object": ("results.json", "[1, 2, 3]", "a JSON object is expected"),
    "results-of-another-kind": ("horizon.json", '{"unrelated": 1}', "horizon.json does not have the fields"),
    "bench-results-of-another-kind": ("bench_train.json", '{"models": 3}', "bench_train.json does not have"),
    "protocol-timings-of-another-kind": (
        "protocol.json",
        '{"stage_seconds": {"train": "x"}, "total_seconds": 1}',
        "protocol.json does not have",
    ),
    "nested-results-of-another-kind": ("sub/results.json", '{"controllers": 1}', "sub/results.json does not have"),
}

BAD: dict[str, Bad] = {
    # the command line itself
    "missing-required-option": Bad("eval --out x", "--checkpoint"),
    "not-a-number": Bad("eval --checkpoint c --out o --episodes many", "--episodes"),
    "unknown-option": Bad("collect --bogus", "--bogus"),
    "unknown-command": Bad("fly", "unknown command 'fly'"),
    "unknown-bench-command": Bad("bench swim", "unknown command 'bench swim'"),
    # output paths
    "collect-out-is-a-folder": Bad(f"collect {PM} --episodes 2 --out {{t}}/adir", "--out {t}/adir", places),
    "collect-out-unwritable": Bad(f"collect {PM} --episodes 2 --out {{u}}/x.h5", "choose another --out"),
    "collect-out-below-a-file": Bad(f"collect {PM} --episodes 2 --out {{t}}/afile/x.h5", "--out", places),
    "collect-out-taken": Bad(f"collect {PM} --episodes 2 --out {{t}}/existing.json", "--force", places),
    "import-out-is-a-folder": Bad(f"import --source {{d}} {PM} --out {{t}}/adir", "--out {t}/adir", places),
    "import-out-unwritable": Bad(f"import --source {{d}} {PM} --out {{u}}/x.h5", "choose another --out"),
    "train-out-is-a-file": Bad("train --data {d} --out {t}/afile --steps 2", "--out {t}/afile", places),
    "train-out-unwritable": Bad("train --data {d} --out {u}/run --steps 2", "choose another --out"),
    "train-data-is-a-folder": Bad("train --data {t}/adir --out {t}/run --steps 2", "--data {t}/adir", places),
    "eval-out-is-a-file": Bad("eval --checkpoint {t}/missing --out {t}/afile", "--out {t}/afile", places),
    "eval-out-unwritable": Bad("eval --checkpoint {t}/missing --out {u}/ev", "choose another --out"),
    "eval-results-is-a-folder": Bad("eval --checkpoint {t}/missing --out {t}/taken", "pass a file path", places),
    "bench-planner-out-is-a-folder": Bad("bench planner --out {t}/adir", "--out {t}/adir", places),
    "bench-planner-out-taken": Bad("bench planner --out {t}/existing.json", "--force", places),
    "bench-train-out-unwritable": Bad("bench train --out {u}/b.json", "choose another --out"),
    "bench-train-out-taken": Bad("bench train --out {t}/existing.json --steps 1", "--force", places),
    "reproduce-workdir-is-a-file": Bad(f"reproduce {PM} --workdir {{t}}/afile", "{t}/afile", places),
    "reproduce-report-unwritable": Bad(f"reproduce {PM} --workdir {{t}}/w --report {{u}}/r", "choose another --report"),
    "reproduce-compare-workdir-is-a-file": Bad(
        "reproduce --task reacher --protocol compare --workdir {t}/afile --report {t}/r", "{t}/afile", places
    ),
    "demo-workdir-is-a-file": Bad("demo --workdir {t}/afile", "{t}/afile", places),
    "report-readme-is-a-folder": Bad("report --folder {t}/adir --readme {t}/adir", "--readme {t}/adir", places),
    "demo-force-over-user-files": Bad("demo --workdir {t}/w --report {t}/r --force", "notes.txt", run_folders()),
    "demo-force-on-the-current-folder": Bad(
        "demo --workdir . --report {t}/r --force", "holds the current folder", run_folders(chdir=True)
    ),
    "reproduce-force-with-a-failing-check": Bad(
        f"reproduce --task preflight_slide {COMPARE} --force",
        "not MuJoCo-based",
        lambda *a: (kept_outputs(*a), slide_tasks(*a)),
    ),
    # devices
    **{
        f"cuda-without-gpu-{command.split()[0]}{'-' + command.split()[1] if command.startswith('bench') else ''}": Bad(
            f"{command} --device cuda", "--device cpu", cpu_only=True
        )
        for command in (
            "train --data {d} --out {t}/run --steps 2",
            f"{EVAL} --episodes 1",
            "bench planner --out {t}/b.json",
            "bench train --out {t}/b.json",
            REPRODUCE,
            "demo --workdir {t}/w --report {t}/r",
        )
    },
    "train-unknown-device": Bad(f"{TRAIN} --device tpu", "use cpu or cuda"),
    "reproduce-unknown-device": Bad(f"reproduce --task reacher {COMPARE} --device tpu", "use cpu or cuda"),
    # counts and numbers
    "bench-threads-negative": Bad("bench planner --out {t}/b.json --threads -1", "--threads"),
    "bench-threads-zero": Bad("bench planner --out {t}/b.json --threads 0", "--threads"),
    "bench-threads-beyond-cores": Bad("bench planner --out {t}/b.json --threads 100000", f"pass at most {CORES}"),
    "bench-repeats-zero": Bad("bench planner --out {t}/b.json --repeats 0", "--repeats"),
    "bench-train-steps-negative": Bad("bench train --out {t}/b.json --steps -3", "--steps"),
    "train-steps-zero": Bad("train --data {d} --out {t}/run --steps 0", "--steps"),
    "train-checkpoint-every-zero": Bad("train --data {d} --out {t}/run --checkpoint-every 0", "--checkpoint-every"),
    "train-lr-negative": Bad("train --data {d} --out {t}/run --lr -1", "--lr"),
    "train-lr-nan": Bad("train --data {d} --out {t}/run --lr nan", "--lr"),
    "train-image-shift-on-states": Bad("train --data {d} --out {t}/run --image-shift 2", "image_shift"),
    "train-image-shift-negative": Bad("train --data {d} --out {t}/run --image-shift -1", "image_shift"),
    "train-obs-noise-negative": Bad("train --data {d} --out {t}/run --obs-noise -0.5", "obs_noise"),
    "train-unknown-baseline": Bad(f"{TRAIN} --baseline ppo", "--baseline"),
    "train-unknown-regularizer": Bad(f"{TRAIN} --regularizer l2", "vicreg"),
    "train-resume-and-force": Bad(f"{TRAIN} --resume --force", "--resume and --force"),
    "train-missing-data": Bad("train --data {t}/none.h5 --out {t}/x --steps 2", "actjepa collect"),
    "train-no-processes": Bad(f"{TRAIN} --nproc-per-node 0", "--nproc-per-node"),
    "train-more-processes-than-cores": Bad(f"{TRAIN} --nproc-per-node {CORES + 1}", f"pass at most {CORES}"),
    "train-batch-not-divisible": Bad(
        "train --data {d} --out {t}/run --steps 2 --no-progress --nproc-per-node 2 --batch-size 9", "--batch-size"
    ),
    "train-more-processes-than-gpus": Bad(f"{TRAIN} --device cuda --nproc-per-node 2", "pass at most 1", one_gpu),
    "train-processes-under-torchrun": Bad(
        f"{TRAIN} --nproc-per-node 2",
        "drop --nproc-per-node",
        environment(RANK="0", WORLD_SIZE="2", LOCAL_RANK="0"),
    ),
    "eval-videos-negative": Bad(f"{EVAL} --videos -1", "--videos"),
    "eval-unknown-controller": Bad(f"{EVAL} --controller ppo", "choose from"),
    "eval-unknown-split": Bad(f"{EVAL} --split train", "test or validation"),
    "eval-episodes-of-a-day": Bad(f"{EVAL} --episodes 100000000", "--episodes"),
    "eval-plan-beyond-memory": Bad(f"{EVAL} --num-samples 1000000000", "lower --num-samples or --batch-size"),
    "collect-episodes-of-a-day": Bad(f"collect {PM} --out {{t}}/x.h5 --episodes 1000000000", "--episodes"),
    "collect-negative-seed": Bad(f"collect {PM} --out {{t}}/x.h5 --seed -1", "--seed"),
    "collect-negative-episodes": Bad("collect --episodes -4 --out {t}/x.h5", "--episodes"),
    "collect-unknown-task": Bad("collect --task cartpole --out {t}/x.h5", "reacher, point_mass"),
    "collect-unknown-observations": Bad(f"collect {PM} --out {{t}}/x.h5 --obs-mode rgb", "state, pixels"),
    # datasets
    "inspect-missing-file": Bad("collect --inspect {t}/none.h5", "no dataset file"),
    "inspect-junk": Bad(
        "collect --inspect {t}/junk.h5", "truncated", files({"junk.h5": b"\x89HDF\r\n\x1a\n" + bytes(100)})
    ),
    "inspect-newer-schema": Bad("collect --inspect {t}/d.h5", "schema version 99", dataset_copy(schema_version=99)),
    "inspect-foreign-file": Bad("collect --inspect {t}/theirs.h5", "actjepa import --source", foreign_file),
    "collect-over-a-dataset": Bad("collect --episodes 2 --out {t}/d.h5", "--force", dataset_copy()),
    # user task modules
    **{
        f"module-{module}-{command}": Bad(command_line, word, user_module(module, body))
        for module, (body, word) in BAD_MODULES.items()
        for command, command_line in (("tasks", "tasks"), ("collect", "collect --task reacher --out data/x.h5"))
    },
    "module-not-found": Bad(
        "tasks", "add its folder to PYTHONPATH", environment(ACTJEPA_TASK_MODULES="not_here_tasks")
    ),
    "task-not-registered": Bad(
        "collect --task my_arm --out {t}/d.h5", "ACTJEPA_TASK_MODULES=<module>", environment(ACTJEPA_TASK_MODULES=None)
    ),
    # protocols
    "reproduce-steps-zero": Bad(f"{REPRODUCE} --steps 0", "--steps must be at least 1"),
    "reproduce-image-shift-on-states": Bad(f"{REPRODUCE} --image-shift 4", "--obs pixels"),
    "reproduce-obs-noise-on-pixels": Bad(
        "reproduce --task reacher --obs pixels --obs-noise 0.1 --workdir {t}/w --report {t}/r", "--obs state"
    ),
    "reproduce-unknown-regime": Bad(f"{REPRODUCE} --protocol regimes --regimes expert sunny", "use some of expert"),
    "reproduce-seed-in-evaluation-range": Bad(f"{REPRODUCE} --protocol regimes --seeds 0 2147483648", "use seeds in"),
    "reproduce-negative-seed": Bad(f"{REPRODUCE} --protocol regimes --seeds -1", "use seeds in"),
    "reproduce-unknown-observations": Bad(f"{REPRODUCE} --protocol regimes --obs voxels", "state or pixels"),
    "reproduce-regimes-on-pixels": Bad(
        "reproduce --task reacher --protocol regimes --obs pixels --workdir {t}/w --report {t}/r", "--obs state"
    ),
    "reproduce-pixels-with-oracle-cost": Bad(
        "reproduce --task reacher --obs pixels --protocol compare --workdir {t}/w --report {t}/r", "--controllers"
    ),
    "reproduce-unknown-protocol": Bad(
        "reproduce --task reacher --protocol huge --workdir {t}/w --report {t}/r", "use one of demo, compare"
    ),
    "reproduce-plan-beyond-memory": Bad(REPRODUCE, "lower --num-samples or --batch-size", free_memory(2**20)),
    "reproduce-task-without-expert": Bad(f"reproduce --task preflight_no_expert {COMPARE}", "expert=", slide_tasks),
    "reproduce-oracle-without-mujoco": Bad(
        f"reproduce --task preflight_slide {COMPARE}", "not MuJoCo-based", slide_tasks
    ),
    "reproduce-train-steps-zero": Bad(f"reproduce --task reacher {COMPARE} --steps 0", "--steps must be at least 1"),
    "reproduce-batch-of-one": Bad(f"reproduce --task reacher {COMPARE} --batch-size 1", "--batch-size"),
    "reproduce-unknown-preset": Bad(f"reproduce --task reacher {COMPARE} --preset huge", "default, demo"),
    "reproduce-unknown-task": Bad(f"reproduce --task no_such_task {COMPARE}", "unknown task"),
    "reproduce-zero-demonstrations": Bad(f"reproduce --task reacher {COMPARE} --demos 25 0", "--demos"),
    "reproduce-too-many-demonstrations": Bad(f"reproduce --task reacher {COMPARE} --demos 201", "--demos"),
    "reproduce-zero-budget": Bad(f"reproduce --task reacher {COMPARE} --budgets 64 0", "--budgets"),
    "reproduce-budgets-without-comparison": Bad(
        "reproduce --task reacher --protocol ablation --budgets 64 --workdir {t}/w --report {t}/r", "--protocol compare"
    ),
    # decoder
    "decoder-data-of-another-task": Bad(
        f"{DECODER} {{t}}/other.h5", "task 'point_mass'", checkpoint_copy(data=("--task", "reacher"))
    ),
    "decoder-data-of-pixels": Bad(
        f"{DECODER} {{t}}/other.h5", "'state'", checkpoint_copy(data=("--task", "point_mass", "--obs-mode", "pixels"))
    ),
    "decoder-without-model": Bad(f"{DECODER} {{d}}", "model.safetensors", checkpoint_copy("no-model")),
    "decoder-of-a-plain-folder": Bad("decoder --checkpoint {t}/adir --data {d}", "checkpoint.json", places),
    "decoder-over-a-decoder": Bad(f"{DECODER} {{d}}", "--force", checkpoint_copy("decoder")),
    "decoder-missing-data": Bad(f"{DECODER} {{t}}/nowhere.h5", "--data", checkpoint_copy()),
    "decoder-steps-zero": Bad(f"{DECODER} {{d}} --steps 0", "--steps", checkpoint_copy()),
    # reports
    **{key: Bad("report --folder {t}", word, files({name: content})) for key, (name, content, word) in RESULTS.items()},
    "readme-without-markers": Bad(
        "report --folder {t} --readme {t}/README.md", "results markers", files({"README.md": "# project\n"})
    ),
    "missing-readme": Bad("report --folder {t} --readme {t}/nope.md", "--readme"),
}

FIXTURES = {"d": "point_mass_data", "c": "point_mass_checkpoint", "u": "unwritable_dir"}
"Placeholders other than {t} -> the fixtures that make them (requested only by the rows that use them)."


class _Names(dict):
    """Placeholder -> path; a fixture's path is made the first time a row asks for it."""

    def __init__(self, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        super().__init__(t=tmp_path)
        self.request = request

    def __missing__(self, key: str) -> Path:
        self[key] = self.request.getfixturevalue(FIXTURES[key])
        return self[key]


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_input_is_one_line_naming_the_fix(case, cli, tmp_path, monkeypatch, request):
    if case.cpu_only and torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    names = _Names(tmp_path, request)
    if case.prepare is not None:
        case.prepare(names, monkeypatch)
    argv, word = case.args.format_map(names).split(), case.word.format_map(names)
    before = files_under(tmp_path)
    line = one_line_error(*cli(*argv)[::2])
    assert word in line, line
    assert files_under(tmp_path) == before, "a refused command changed or left files"
