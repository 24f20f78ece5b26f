"""User task modules through the command line: --help never imports them, bad ones are one line before any work."""

import textwrap

import pytest

from actjepa.benchmarks.cli import COMMANDS, main

HEADER = "import numpy as np\nfrom actjepa import envs\nfrom tests.benchmarks.user_tasks import SlideToGoal\n"

BAD_MODULES = {
    "raises_on_import": (
        "raise RuntimeError('the simulator license is missing')",
        "cannot import task module 'raises_on_import' named in ACTJEPA_TASK_MODULES (RuntimeError: "
        "the simulator license is missing); fix the error in raises_on_import",
    ),
    "takes_builtin_name": (
        "envs.register_task('reacher', SlideToGoal, lambda env, g: g, success_radius=0.05, max_episode_steps=10)",
        "task 'reacher' is already registered as a built-in task; pick another name",
    ),
    "array_observation": (
        textwrap.dedent("""
        class ArrayObs(SlideToGoal):
            def reset(self, *, seed=None, options=None):
                return super().reset(seed=seed)[0]["observation"], {}
        envs.register_task('array_obs', ArrayObs, lambda env, g: g, success_radius=0.05, max_episode_steps=10)
        """),
        "task 'array_obs': env.reset() must return a goal dict with observation/achieved_goal/desired_goal",
    ),
    "wrong_expert": (
        "envs.register_task('wrong_expert', SlideToGoal, lambda env, g: g, success_radius=0.05, "
        "max_episode_steps=10, expert=lambda obs: np.zeros((len(obs['observation']), 3)))",
        "the expert of task 'wrong_expert' returned actions of shape (2, 3), expected (2, 1)",
    ),
}


def run(capsys, *args):
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def user_folder(tmp_path, monkeypatch):
    """The current folder of a user who keeps task modules there (searched like `python -m` does)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("module", sorted(BAD_MODULES))
@pytest.mark.parametrize("command", [("tasks",), ("collect", "--task", "reacher", "--out", "data/x.h5")])
def test_bad_user_module_is_one_line_before_any_work(capsys, monkeypatch, user_folder, module, command):
    body, message = BAD_MODULES[module]
    (user_folder / f"{module}.py").write_text(HEADER + body + "\n")
    monkeypatch.setenv("ACTJEPA_TASK_MODULES", module)
    code, out, err = run(capsys, *command)
    lines = err.strip().splitlines()
    assert code == 2 and out == "" and len(lines) == 1 and lines[0].startswith("actjepa: error: ")
    assert message in lines[0]
    assert sorted(p.name for p in user_folder.iterdir() if p.suffix != ".pyc" and p.name != "__pycache__") == [
        f"{module}.py"
    ]


def test_missing_module_names_the_variable_and_the_fix(capsys, monkeypatch, user_folder):
    monkeypatch.setenv("ACTJEPA_TASK_MODULES", "not_here_tasks")
    code, _, err = run(capsys, "tasks")
    assert code == 2 and "cannot import task module 'not_here_tasks' named in ACTJEPA_TASK_MODULES" in err
    assert "run from the folder that holds not_here_tasks.py or add its folder to PYTHONPATH" in err


def test_help_never_imports_task_modules(capsys, monkeypatch, user_folder):
    monkeypatch.setenv("ACTJEPA_TASK_MODULES", "not_here_tasks")
    for words in [(), *COMMANDS]:
        code, out, err = run(capsys, *words, "--help")
        assert code == 0 and err == "" and "usage: actjepa" in out, words


def test_unknown_task_says_how_to_add_one(capsys, monkeypatch, user_folder):
    monkeypatch.delenv("ACTJEPA_TASK_MODULES", raising=False)
    code, _, err = run(capsys, "collect", "--task", "my_arm", "--out", "d.h5")
    assert code == 2 and "unknown task 'my_arm'" in err
    assert "register it in a module and set ACTJEPA_TASK_MODULES=<module>" in err
