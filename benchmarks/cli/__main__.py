"""`python -m benchmarks.cli ...` runs the `actjepa` command line."""

from actjepa.benchmarks.cli import main

if __name__ == "__main__":
    main()
