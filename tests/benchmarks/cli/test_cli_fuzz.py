"""Property test: random command lines over random files end in success or one error line, never a traceback,
and never change a file that existed before.

Argument lists are built from each command's real option names (read from its --help) with random values:
numbers (negative, zero, huge, nan), words, and paths to good, missing and damaged files (a truncated HDF5
file, random JSON, random bytes as checkpoint.json and model.safetensors). The expensive steps (a training
step, starting training processes, an evaluation, collecting an episode batch, a benchmark measurement, a
protocol's stages) are replaced by a stub that stops the run: everything a command checks before working is
exercised at full speed. `--force` is left out, since its purpose is to replace existing files.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from contextlib import chdir, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actjepa.benchmarks.evaluation.run
import actjepa.benchmarks.experiments.pipeline
import actjepa.benchmarks.launch
import actjepa.benchmarks.perf.planner
import actjepa.benchmarks.perf.train
import actjepa.envs.collect
import actjepa.world_model.training.train
from actjepa.benchmarks.cli import main
from actjepa.benchmarks.reporting.report import RESULTS_BEGIN, RESULTS_END

COMMANDS = ("tasks", "collect", "train", "eval", "demo", "reproduce", "report", "bench planner", "bench train")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


class ReachedWork(BaseException):
    """Raised by the stubs where real work would start: every check before it passed."""


def _stop(*args, **kwargs):
    raise ReachedWork


def _invoke(argv: list[str]) -> tuple[int | str, str, str]:
    """(exit code or 'work', stdout, stderr) of one in-process invocation."""
    out, err = io.StringIO(), io.StringIO()
    threads = torch.get_num_threads()  # `bench planner --threads N` sets it for the process
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main(argv)
        code: int | str = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except ReachedWork:
        code = "work"
    finally:
        torch.set_num_threads(threads)
    return code, out.getvalue(), err.getvalue()


def _option_names(words: str) -> dict[str, bool]:
    """The options of a command, read from its --help: name -> whether it takes a value."""
    code, out, _ = _invoke([*words.split(), "--help"])
    assert code == 0
    found = re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)( [A-Z{])?", out)
    names = {name: bool(value) for name, value in found if name not in ("--help", "--force")}
    assert names or words == "tasks", words
    return names or {"--unknown": False}  # `tasks` has no options: any one given is an error


@pytest.fixture(scope="module")
def world(tmp_path_factory, point_mass_data, point_mass_checkpoint):
    """A folder with good files (a dataset, a checkpoint), the stubs in place, and the real option names."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(point_mass_data, root / "good.h5")
    shutil.copytree(point_mass_checkpoint, root / "good_ckpt")
    (root / "a_dir").mkdir()
    stubs = [
        (actjepa.world_model.training.train, "train_step"),
        (actjepa.benchmarks.evaluation.run, "evaluate"),
        (actjepa.envs.collect, "run_episodes"),
        (actjepa.benchmarks.perf.planner, "measure"),
        (actjepa.benchmarks.perf.train, "measure"),
        (actjepa.benchmarks.experiments.pipeline.Pipeline, "run"),
        (actjepa.benchmarks.launch, "launch"),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name in stubs]
    for owner, name in stubs:
        setattr(owner, name, _stop)
    with chdir(root):
        options = {words: _option_names(words) for words in COMMANDS}
    yield root, options
    for owner, name, value in saved:
        setattr(owner, name, value)


PATHS = (
    "good.h5", "good_ckpt", "a_dir", "gen/trunc.h5", "gen/random.json", "gen/bytes.bin", "gen/ckpt", "gen/results",
    "gen/results/README.md", "gen/results/horizon.json", "gen/ckpt/checkpoint.json", "new/out.json", "new/run",
    "new/data.h5", "good.h5/inside", "/sys/x.json", "missing.h5",
)  # fmt: skip
WORDS = ("cpu", "cuda", "cuda:3", "mps", "point_mass", "reacher", "nope", "policy", "mppi", "cem+prior", "bc", "none",
         "full", "demo", "compare", "sigreg", "", "-", "--", "=x")  # fmt: skip
NUMBERS = ("-1", "0", "1", "2", "3", "-7", "1e9", "1000000000", "99999999999999999999", "0.5", "nan", "inf", "-inf")
values = st.one_of(st.sampled_from(PATHS), st.sampled_from(WORDS), st.sampled_from(NUMBERS))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
section_like = st.fixed_dictionaries(
    {}, optional={k: json_values for k in ("episodes", "controllers", "results", "models", "horizons", "budget")}
)


@st.composite
def files(draw, good: bytes) -> dict[str, bytes]:
    """Contents of the damaged files under gen/ (a truncated dataset, JSON of random shape, random bytes)."""
    cut = draw(st.integers(0, len(good) - 1))
    text = draw(st.text(max_size=40))
    readme = draw(st.sampled_from(["# x\n", f"# x\n{RESULTS_BEGIN}\nold\n{RESULTS_END}\n", text]))
    return {
        "gen/trunc.h5": good[:cut],
        "gen/random.json": json.dumps(draw(json_values)).encode(),
        "gen/bytes.bin": draw(st.binary(max_size=64)),
        "gen/ckpt/checkpoint.json": draw(st.one_of(st.binary(max_size=64), json_values.map(json.dumps).map(str.encode),
                                                   section_like.map(json.dumps).map(str.encode))),
        "gen/ckpt/model.safetensors": draw(st.binary(max_size=128)),
        "gen/results/horizon.json": draw(section_like.map(json.dumps)).encode(),
        "gen/results/results.json": draw(json_values.map(json.dumps)).encode(),
        "gen/results/README.md": readme.encode("utf-8", "surrogatepass"),
    }  # fmt: skip


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def _check(root: Path, argv: list[str], contents: dict[str, bytes]) -> None:
    """Write the damaged files, run argv, check the outcome and that no earlier file changed; clean up."""
    shutil.rmtree(root / "gen", ignore_errors=True)
    shutil.rmtree(root / "new", ignore_errors=True)
    for name, data in contents.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    before = _snapshot(root)
    with chdir(root):
        code, out, err = _invoke(argv)
    if code not in (0, "work"):
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and lines[0].startswith("actjepa: error: "), (argv, code, err[-2000:])
    assert "Traceback" not in err, (argv, err[-2000:])
    after = _snapshot(root)
    changed = [name for name, digest in before.items() if after.get(name) != digest]
    assert not changed, (argv, changed)
    for path in sorted(root.rglob("*"), reverse=True):  # what this invocation created goes away
        rel = str(path.relative_to(root))
        if path.is_file() and rel not in before:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()) and rel not in ("a_dir",):
            path.rmdir()
    (root / "a_dir").mkdir(exist_ok=True)


PATH_OPTIONS = ("--data", "--out", "--checkpoint", "--prior-checkpoint", "--folder", "--readme", "--inspect",
                "--workdir", "--report")  # fmt: skip
REQUIRED = {
    "train": ("--data", "--out"), "eval": ("--checkpoint", "--out"), "reproduce": ("--task",), "collect": ("--out",),
    "bench planner": ("--out",), "bench train": ("--out",),
}  # fmt: skip
USUAL = {"--data": "good.h5", "--out": "new/run", "--checkpoint": "good_ckpt", "--task": "point_mass"}


@st.composite
def command_lines(draw, options: dict[str, dict[str, bool]], commands: tuple[str, ...]) -> list[str]:
    """A command, usually its required options (with usual or random values), then 0-3 random options."""
    words = draw(st.sampled_from(commands))
    names = options[words]
    argv = words.split()
    for name in REQUIRED.get(words, ()):
        if draw(st.integers(0, 9)) > 0:
            usual = USUAL[name] if words != "collect" else "new/data.h5"
            argv += [name, draw(st.sampled_from([usual, usual, *PATHS]))]
    for name in draw(st.lists(st.sampled_from(sorted(names)), max_size=3)):
        takes_value = names[name] if draw(st.integers(0, 9)) > 0 else not names[name]
        pool = st.sampled_from(PATHS) if name in PATH_OPTIONS else values
        argv += [name, draw(pool)] if takes_value else [name]
    return argv


def _fuzz(commands: tuple[str, ...], examples: int = FUZZ.max_examples):
    @settings(FUZZ, max_examples=examples)
    @given(data=st.data())
    def run(world, data):
        root, options = world
        argv = data.draw(command_lines(options, commands), label="argv")
        _check(root, argv, data.draw(files((root / "good.h5").read_bytes()), label="files"))

    return run


test_fuzz_train = _fuzz(("train",))
test_fuzz_eval = _fuzz(("eval",))
test_fuzz_collect_and_tasks = _fuzz(("collect", "tasks"))
test_fuzz_report = _fuzz(("report",))
test_fuzz_protocols = _fuzz(("demo", "reproduce"))
test_fuzz_bench = _fuzz(("bench planner", "bench train"), examples=25)  # its examples are the slowest
