"""`actjepa import`: demonstrations made elsewhere (a Minari dataset or a .npz / HDF5 file) as an actjepa dataset."""

from __future__ import annotations

from dataclasses import dataclass

from actjepa.envs.dataset.importers import ImportConfig


@dataclass(frozen=True)
class ImportCommand:
    """Import demonstrations from a Minari dataset or a .npz / HDF5 file (layout: docs/dataset_schema.md)."""

    config: ImportConfig
    "What to import, for which task, and where to write it."

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.envs.dataset import load_dataset
        from actjepa.envs.dataset.importers import import_dataset
        from actjepa.envs.summary import dataset_summary

        guards.check_output_file(self.config.out, self.config.force, example="data.h5")
        path = import_dataset(self.config)
        print(dataset_summary(load_dataset(path), str(path)))
