"""Demonstration datasets: HDF5 files, training windows, splits and normalisation statistics."""

from actjepa.envs.dataset.io import check_dataset_task, file_sha256, load_dataset
from actjepa.envs.dataset.schema import EPISODE_ARRAYS, SCHEMA_VERSION, EpisodeDataset
from actjepa.envs.dataset.stats import normalization_stats
from actjepa.envs.dataset.windows import WindowSampler, split_episodes
from actjepa.envs.dataset.writer import DatasetWriter, verify_written

__all__ = [
    "EPISODE_ARRAYS",
    "SCHEMA_VERSION",
    "DatasetWriter",
    "EpisodeDataset",
    "WindowSampler",
    "check_dataset_task",
    "file_sha256",
    "load_dataset",
    "normalization_stats",
    "split_episodes",
    "verify_written",
]
