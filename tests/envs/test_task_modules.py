"""A task module named in ACTJEPA_TASK_MODULES that fails to import gives a one-line EnvError, whatever it raises."""

import pytest

from actjepa.envs import task_modules
from actjepa.envs.errors import EnvError


@pytest.mark.parametrize(
    "source,kind",
    [
        ("raise RuntimeError('boom\\nsecond line')", "RuntimeError: boom"),
        ("def broken(:\n", "SyntaxError: "),
        ("import a_module_that_does_not_exist_anywhere", "ModuleNotFoundError: No module named"),
    ],
    ids=["raises", "syntax", "missing-import"],
)
def test_broken_task_module(tmp_path, monkeypatch, source, kind):
    """On main only ImportError was caught: a RuntimeError or SyntaxError escaped with a traceback."""
    (tmp_path / "broken_tasks_module.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("ACTJEPA_TASK_MODULES", "broken_tasks_module")
    with pytest.raises(EnvError) as info:
        task_modules.import_task_modules()
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"cannot import task module 'broken_tasks_module' named in ACTJEPA_TASK_MODULES ({kind}")
