"""User task modules through the command line: --help never imports them (bad ones: test_bad_input.py)."""

import pytest

from actjepa.benchmarks.cli import COMMANDS, main


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


def test_help_never_imports_task_modules(capsys, monkeypatch, user_folder):
    monkeypatch.setenv("ACTJEPA_TASK_MODULES", "not_here_tasks")
    for words in [(), *COMMANDS]:
        code, out, err = run(capsys, *words, "--help")
        assert code == 0 and err == "" and "usage: actjepa" in out, words
