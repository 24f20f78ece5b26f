"""Installs the repository's top-level folders under the one import name `actjepa`.

`planner/`, `world_model/`, `envs/` and `benchmarks/` are folders of the repository, but they are imported as
`actjepa.planner`, `actjepa.world_model`, `actjepa.envs` and `actjepa.benchmarks`, so another project's `envs`
or `planner` package on `sys.path` can never shadow them. Everything else is declared in pyproject.toml.
"""

from setuptools import find_packages, setup

FOLDERS = ("envs", "planner", "world_model", "benchmarks")
"Repository folders installed as subpackages of actjepa."

packages = find_packages(include=["actjepa", "actjepa.*"])
for folder in FOLDERS:
    packages += [f"actjepa.{name}" for name in find_packages(include=[folder, f"{folder}.*"])]

setup(packages=packages, package_dir={f"actjepa.{folder}": folder for folder in FOLDERS})
