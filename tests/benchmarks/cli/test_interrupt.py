"""Ctrl-C ends the CLI with one line and exit code 130, even while the packages are still being imported."""

from __future__ import annotations

import sys

import pytest

from actjepa.benchmarks.cli import main


class InterruptImports:
    """A meta-path finder that raises KeyboardInterrupt when `name` is imported (Ctrl-C during start-up)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name:
            raise KeyboardInterrupt
        return None


def test_ctrl_c_while_importing_is_one_line(capsys, monkeypatch):
    """On main a Ctrl-C in the first seconds (imports of torch, MuJoCo) printed a KeyboardInterrupt traceback."""
    monkeypatch.delitem(sys.modules, "actjepa.planner.errors", raising=False)
    monkeypatch.setattr(sys, "meta_path", [InterruptImports("actjepa.planner.errors"), *sys.meta_path])
    with pytest.raises(SystemExit) as exit_info:
        main(["tasks"])
    assert exit_info.value.code == 130
    assert capsys.readouterr().err == "actjepa: interrupted\n"
