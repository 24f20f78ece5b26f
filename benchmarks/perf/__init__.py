"""Performance benchmarks (`actjepa bench ...`): planner latency and memory, training speed. They write JSON; they
are never tests."""
