"""Composes envs, world_model and planner: the `actjepa` command line (cli), evaluation, experiments, reporting
and performance benchmarks (perf), one subpackage per job."""
