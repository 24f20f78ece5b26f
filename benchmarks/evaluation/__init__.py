"""Evaluation: run controllers on held-out episodes, summarize them, sweep planning settings.

config (EvalConfig) -> controllers (one named controller's settings) -> episodes (batched rollouts scored
from simulator state) -> summary (results.json entries) -> run (evaluate) and sweeps.
"""
