"""`python -m benchmarks.cli ...` runs the `actjepa` command line."""

from benchmarks.cli import main

main()
