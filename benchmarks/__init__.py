"""The `actjepa` command line, evaluation harness, experiments and report."""
