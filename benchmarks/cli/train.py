"""`actjepa train`: train ACT-JEPA (or the BC baseline) on a demonstration file into a checkpoint folder.

On one process, on several local ones (--nproc-per-node N, through torch's launcher), or as one of the
processes a user's own torchrun starts (RANK, WORLD_SIZE and LOCAL_RANK in the environment).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import tyro

from actjepa.benchmarks.errors import UserError
from actjepa.benchmarks.experiments.training import TrainRequest, TrainSettings


@dataclass(frozen=True)
class TrainCommand:
    """Train a world model, e.g. --data data/reacher.h5 --out runs/reacher [--baseline bc]."""

    request: TrainRequest
    "The training run."
    progress: bool = True
    "Show a progress bar."
    nproc_per_node: int = 1
    """Training processes on this machine, each on its share of every batch (DistributedDataParallel: gloo on
    CPU, nccl with one GPU each on CUDA); the batch size must be a multiple. The result equals a 1-process
    run's; resume on the same number. For several machines use torchrun (see the README)."""

    @classmethod
    def option_defaults(cls, args: list[str]) -> TrainCommand:
        """The defaults of the options: the --preset's training settings (the default preset's without one)."""
        from actjepa.benchmarks.cli.parsing import option_value

        settings = TrainSettings.of_preset(option_value(args, "--preset") or "default")
        return cls(TrainRequest(data=tyro.MISSING, out=tyro.MISSING, settings=settings))

    def run(self) -> None:
        from actjepa.benchmarks.experiments.training import train_on_dataset
        from actjepa.world_model.training.distributed import process_group, shard_from_env

        shard = shard_from_env()
        self._check_request(writes=shard is None or shard.is_main)
        if shard is not None and shard.distributed:
            if self.nproc_per_node != 1:
                raise UserError(
                    f"this process was started by torchrun (WORLD_SIZE={shard.world_size}); "
                    "drop --nproc-per-node and set the processes with torchrun's own options"
                )
            with process_group(shard, self.request.settings.config.device):
                train_on_dataset(self.request, progress=self.progress, shard=shard)
            if shard.is_main:
                print(summary(self.request.out))
            return
        self._check_processes()
        if self.nproc_per_node > 1:
            from actjepa.benchmarks.cli.parsing import to_args
            from actjepa.benchmarks.launch import launch_command

            launch_command(self.nproc_per_node, ("train",), to_args(replace(self, nproc_per_node=1)))
            return
        train_on_dataset(self.request, progress=self.progress)
        print(summary(self.request.out))

    def _check_request(self, writes: bool) -> None:
        """The data, the output folder (on the process that `writes` it) and the device, before any work (the
        training settings checked themselves when they were parsed)."""
        from actjepa.benchmarks.cli import guards

        data = self.request.data
        if not data.exists():
            raise UserError(f"{data} does not exist; collect demonstrations first with `actjepa collect --out {data}`")
        guards.check_input_file(data, "--data")
        if writes:
            guards.check_output_folder(self.request.out)
        guards.check_device(self.request.settings.config.device)

    def _check_processes(self) -> None:
        """--nproc-per-node fits this machine, divides the batch, and matches the run being resumed."""
        from actjepa.benchmarks.launch import check_process_count
        from actjepa.world_model.training.checkpoint import read_info
        from actjepa.world_model.training.distributed import Shard
        from actjepa.world_model.training.resume import check_out_dir, check_world_size

        config, out = self.request.settings.config, self.request.out
        check_process_count(self.nproc_per_node, config.device)
        if self.nproc_per_node == 1:
            return  # a 1-process run checks its folder as it starts
        Shard(world_size=self.nproc_per_node).rows(config.optim.batch_size)
        if check_out_dir(out, self.request.resume, self.request.force):
            check_world_size(read_info(out), self.nproc_per_node, out)


def _action_gap(heldout: float, out: Path) -> str:
    """The head's held-out chunk error beside its last logged training error (both normalised units)."""
    from actjepa.world_model.training.metrics_log import METRICS_FILE

    rows = [json.loads(line) for line in (out / METRICS_FILE).read_text().splitlines() if line.strip()]
    trained = rows[-1].get("action") if rows else None
    line = f"action-chunk error on held-out episodes {heldout:.3f}"
    if trained is None:
        return line
    line += f" against {trained:.3f} on training windows (normalised units)"
    if heldout > 2 * trained:
        line += "; over twice as large: the head fits its demonstrations, not the task (more data, fewer steps)"
    return line


def summary(out: Path) -> str:
    """A few lines a user reads after training: where things are and how good the rollouts are."""
    info = json.loads((out / "checkpoint.json").read_text())
    kind = "bc" if info["model_config"]["baseline"] == "bc" else "act-jepa"
    lines = [f"trained {kind} model for {info['task']} ({info['obs_mode']}) to step {info['step']}: {out}"]
    open_loop = out / "open_loop.json"
    if open_loop.is_file():
        res = json.loads(open_loop.read_text())
        h = len(res["horizon"])
        lines.append(
            f"open-loop latent error at step 1/{h}: {res['model'][0]:.3f}/{res['model'][-1]:.3f} "
            f"(copy-last {res['copy_last'][0]:.3f}/{res['copy_last'][-1]:.3f}; 1.0 = random latent)"
        )
        if "action_error" in res:
            lines.append(_action_gap(res["action_error"], out))
    lines.append(f"plots: {out / 'loss_curves.png'}, {out / 'embedding_health.png'}, {out / 'open_loop.png'}")
    return "\n".join(lines)
