"""`actjepa decoder`: fit a decoder of imagined frames to a trained model, for the evaluation videos."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from actjepa.world_model.decoder.model import DecoderConfig


@dataclass(frozen=True)
class DecoderCommand:
    """Fit a decoder of imagined frames to a frozen model, e.g. --checkpoint runs/reacher --data data/reacher.h5."""

    checkpoint: Path
    "Checkpoint folder written by `actjepa train`; decoder.safetensors and decoder.json are written into it."
    data: Path
    "Dataset of the checkpoint's task and observation mode (normally the one the model was trained on)."
    decoder: DecoderConfig = field(default_factory=DecoderConfig)
    "How the decoder is built and trained."
    force: bool = False
    "Replace a decoder the checkpoint already has."
    progress: bool = True
    "Show a progress bar."

    def run(self) -> None:
        from actjepa.benchmarks.cli import guards
        from actjepa.benchmarks.experiments.decoding import (
            check_checkpoint,
            check_no_decoder,
            fit_checkpoint_decoder,
            summary,
        )

        check_checkpoint(self.checkpoint)
        guards.check_input_file(self.data, "--data")
        check_no_decoder(self.checkpoint, self.force)
        guards.check_output_folder(self.checkpoint, "--checkpoint")
        guards.check_device(self.decoder.device)
        report = fit_checkpoint_decoder(self.checkpoint, self.data, self.decoder, self.force, self.progress)
        print(summary(self.checkpoint, report))
