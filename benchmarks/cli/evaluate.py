"""`actjepa eval`: score controllers of a checkpoint on held-out episodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from actjepa.benchmarks.evaluation.config import EvalConfig
from actjepa.planner import PlannerConfig


@dataclass(frozen=True)
class EvalCommand:
    """Evaluate controllers on a fixed list of held-out starts and goals; write results.json."""

    checkpoint: Path
    "Checkpoint folder written by `actjepa train`."
    out: Path
    "Folder for results.json (and videos)."
    eval: EvalConfig = field(default_factory=EvalConfig)
    "What to evaluate and how every controller plans."
    prior_checkpoint: Path | None = None
    "Take the policy and the planning prior from another checkpoint (e.g. the BC baseline)."
    videos: int = 0
    """Episodes to render as GIF with the plan drawn beside the real path (and the imagined frames, when the
    checkpoint has a decoder from `actjepa decoder`)."""
    force: bool = False
    "Overwrite an existing results.json."

    hidden: ClassVar[dict[type, tuple[str, ...]]] = {PlannerConfig: ("method", "action_low", "action_high")}
    "Planner fields that are no options here: the controller name sets the method, the task's action range the bounds."

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.benchmarks.evaluation.run import evaluate, result_path
        from actjepa.benchmarks.provenance import write_results_json
        from actjepa.benchmarks.reporting.tables import controllers_table
        from actjepa.world_model import load_model

        target = result_path(self.out)
        guards.check_output_folder(self.out)
        guards.check_output_file(target, self.force)
        guards.check_not_negative("--videos", self.videos)
        cfg = self.eval
        guards.check_device(cfg.device)
        model, info = load_model(self.checkpoint, device=cfg.device)
        prior = None
        if self.prior_checkpoint is not None:
            prior, _ = load_model(self.prior_checkpoint, device=cfg.device, expect_task=info["task"])
        guards.check_evaluation(cfg, info["task"], model.latent_dim)
        results = evaluate(model, info, cfg, prior=prior, checkpoint=str(self.checkpoint))
        if self.prior_checkpoint is not None:
            results["prior_checkpoint"] = str(self.prior_checkpoint)
        write_results_json(target, results, cfg.device)
        if self.videos > 0:
            from actjepa.benchmarks.reporting.video import record_videos

            decoder = _decoder_or_none(self.checkpoint, model)
            record_videos(model, info, cfg, self.out, count=self.videos, prior=prior, decoder=decoder)
        print(controllers_table(results))
        print(f"wrote {target}")


def _decoder_or_none(checkpoint: Path, model):
    """The checkpoint's decoder for the imagined panel; None (with a one-line warning) if it cannot be used."""
    import warnings

    from actjepa.world_model.decoder.model import load_decoder
    from actjepa.world_model.errors import CheckpointError

    try:
        return load_decoder(checkpoint, model)
    except CheckpointError as exc:
        warnings.warn(f"videos without imagined frames: {exc}", stacklevel=2)
        return None
