"""Starting a command on several local processes through PyTorch's own launcher (the engine behind torchrun).

`actjepa train --nproc-per-node N` checks the request here, then starts `python -m benchmarks.cli train`
with the same options (less --nproc-per-node) on N processes with a standalone rendezvous on a free port;
each finds RANK, WORLD_SIZE and LOCAL_RANK in its environment, as under a user's own torchrun.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from actjepa.benchmarks.errors import UserError

LAUNCHER_LOGGERS = ("torch.distributed.elastic", "torch.distributed.launcher")
"Loggers of torch's launcher: their progress notes are silenced; a failed process reports its own error."


def check_process_count(nproc: int, device: str) -> None:
    """--nproc-per-node is at least 1 and at most the CPU cores (CPU) or the visible GPUs (CUDA) here."""
    if nproc < 1:
        raise UserError(f"--nproc-per-node must be at least 1, got {nproc}")
    if nproc == 1:
        return
    import torch

    if torch.device(device).type == "cuda":
        gpus = torch.cuda.device_count()
        if nproc > gpus:
            raise UserError(
                f"--nproc-per-node {nproc} exceeds the {gpus} visible GPU{'s' if gpus != 1 else ''}; "
                f"pass at most {gpus} (one process per GPU)"
            )
        return
    cores = os.cpu_count() or 1
    if nproc > cores:
        raise UserError(f"--nproc-per-node {nproc} exceeds the {cores} CPU cores of this machine; pass at most {cores}")


def threads_per_process(nproc: int) -> int:
    """Torch threads for each of `nproc` processes sharing this machine's cores (at least 1)."""
    return max(1, (os.cpu_count() or 1) // nproc)


@contextlib.contextmanager
def _launcher_settings(nproc: int) -> Iterator[None]:
    """While the launcher runs: its log lines silenced (each worker prints its own results and errors), and
    OMP_NUM_THREADS, if unset, set for the workers to this machine's cores divided among them. Afterwards the
    signal handlers are put back: torch's launcher installs its own for Ctrl-C and stop signals and leaves them,
    so Ctrl-C in this process would raise its SignalException instead of KeyboardInterrupt."""
    handlers = _signal_handlers()
    loggers = [logging.getLogger(name) for name in LAUNCHER_LOGGERS]
    levels = [logger.level for logger in loggers]
    threads_unset = "OMP_NUM_THREADS" not in os.environ
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    if threads_unset:
        os.environ["OMP_NUM_THREADS"] = str(threads_per_process(nproc))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        if threads_unset:
            os.environ.pop("OMP_NUM_THREADS", None)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _signal_handlers() -> dict[int, Any]:
    """The current handlers of the signals torch's launcher takes over (main thread only: elsewhere none)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    names = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT")
    return {sig: signal.getsignal(sig) for sig in (getattr(signal, n) for n in names if hasattr(signal, n))}


def launch(nproc: int, entrypoint: str | Callable[..., Any], *args: Any) -> dict[int, Any]:
    """Run `entrypoint` (an executable with its arguments, or a picklable function) on `nproc` local processes.

    Returns each rank's return value (None for an executable). A process that fails stops the others; its
    exit code ends this one (it printed its own error), or one line says which signal stopped it.
    """
    from torch.distributed.elastic.multiprocessing import DefaultLogsSpecs, SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch

    with tempfile.TemporaryDirectory(prefix="actjepa-launch-") as logs, _launcher_settings(nproc):
        config = LaunchConfig(
            min_nodes=1,
            max_nodes=1,
            nproc_per_node=nproc,
            run_id=str(uuid.uuid4()),
            rdzv_backend="c10d",
            rdzv_endpoint="localhost:0",
            max_restarts=0,
            logs_specs=DefaultLogsSpecs(log_dir=logs),
        )
        try:
            return elastic_launch(config, entrypoint)(*args)
        except ChildFailedError as exc:
            rank, failure = exc.get_first_failure()
            if failure.exitcode < 0:
                raise UserError(
                    f"training process {rank} was stopped by {failure.signal_name()}; "
                    "check free memory (fewer processes or a smaller --batch-size) and rerun"
                ) from None
            raise SystemExit(failure.exitcode) from None
        except SignalException:  # Ctrl-C or a stop signal: the launcher has stopped the processes
            raise KeyboardInterrupt from None


def launch_command(nproc: int, words: tuple[str, ...], args: list[str]) -> None:
    """`python -m benchmarks.cli WORDS ARGS` on `nproc` local processes (see launch)."""
    launch(nproc, sys.executable, "-m", "actjepa.benchmarks.cli", *words, *args)
