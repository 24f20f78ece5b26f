"""Training a world model: the loop, its settings, starting and resuming runs, checkpoints, the metrics log,
several processes, memory and device checks, diagnostics and plots. Imports core/, never decoder/."""
