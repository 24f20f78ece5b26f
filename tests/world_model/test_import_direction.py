"""Imports in world_model/ run one way: core/ (the model and its objective) imports neither training/ nor
decoder/, training/ does not import decoder/, and nothing in world_model imports the planner, envs or benchmarks.
Read from the source (every import statement, also those inside functions), so no import can hide at runtime."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "world_model"
FORBIDDEN = {
    "core": ("training", "decoder"),
    "training": ("decoder",),
    "decoder": (),
}
"Subpackages of world_model each one may not import."
NEVER = ("actjepa.planner", "actjepa.envs", "actjepa.benchmarks", "planner", "envs", "benchmarks")


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (`from a.b import c` counts a.b and a.b.c)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; the project imports by absolute name"
            names.add(node.module or "")
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_every_world_model_file_lives_in_a_subpackage_or_is_the_package_root():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "errors.py"]
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(FORBIDDEN)


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_imports_never_run_back_up(folder):
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for name in imported_modules(path):
            for other in FORBIDDEN[folder]:
                assert not name.startswith(f"actjepa.world_model.{other}"), f"{path.name} imports {name}"
            assert not name.startswith(NEVER), f"{path.name} imports {name}"


def test_the_errors_module_imports_nothing_of_the_package():
    assert not {n for n in imported_modules(PACKAGE / "errors.py") if n.startswith("actjepa")}


def test_the_check_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from actjepa.world_model.training import train\n")
    assert "actjepa.world_model.training.train" in imported_modules(source)
