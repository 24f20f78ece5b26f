"""Every results file says on which machine and with which code it was made, and the report says it back."""

import json
import subprocess

import mujoco
import torch

from actjepa.benchmarks import provenance
from actjepa.benchmarks.reporting.sources import source_line


def test_results_files_record_the_machine_and_commit(tmp_path):
    path = tmp_path / "results.json"
    provenance.write_results_json(path, {"task": "reacher"}, device="cpu")
    record = json.loads(path.read_text())
    machine, code = record["machine"], record["code"]
    assert record["task"] == "reacher"
    assert machine["processor"] == provenance.processor_model() and machine["processor"]
    assert machine["torch"] == torch.__version__ and machine["mujoco"] == mujoco.__version__
    assert machine["torch_threads"] == torch.get_num_threads() and machine["device"] == "cpu"
    head = subprocess.run(
        ["git", "-C", str(provenance.SOURCE_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert code["commit"] == head and isinstance(code["modified"], bool)


def test_the_processor_is_the_model_name_of_cpuinfo():
    with open("/proc/cpuinfo") as handle:
        names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
    assert provenance.processor_model() == names[0]


def _git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def test_the_source_line_gives_the_recorded_machine_or_the_commit_that_added_an_older_file(tmp_path):
    recorded = {"machine": provenance.machine_record("cpu"), "code": {"commit": "a" * 40, "modified": True}}
    line = source_line(tmp_path / "new.json", recorded, "x/new.json")
    assert line.startswith("Source: [`new.json`](x/new.json); ran on " + provenance.processor_model())
    assert line.endswith(f"commit {'a' * 10} with uncommitted code changes.")

    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "start")
    old = tmp_path / "old.json"
    old.write_text("{}")
    assert "machine not recorded" in source_line(old, {}, "old.json")
    assert "the file is not in a commit yet" in source_line(old, {}, "old.json")
    _git(tmp_path, "add", "old.json")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "add")
    added = subprocess.run(
        ["git", "-C", str(tmp_path), "log", "-1", "--format=%h (%as)"], capture_output=True, text=True
    ).stdout.strip()
    from actjepa.benchmarks.reporting import sources

    sources.commit_that_added.cache_clear(), sources.last_commit.cache_clear()
    assert source_line(old, {}, "old.json").endswith(f"the file was added in commit {added}.")
