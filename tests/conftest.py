"""Suite-wide settings.

The planner compiles its search with torch.compile where it can (planner/compilation.py). Compiling costs
seconds per new shape, and the suite plans with hundreds of shapes, so the suite plans eagerly (also in the
CLI processes it starts) and tests/planner/test_compile.py checks the compiled path against the eager one.
"""

import os

os.environ.setdefault("TORCH_COMPILE_DISABLE", "1")
# One torch thread per test process (set before torch is imported; CLI processes inherit it): `make test` runs two
# workers, and with torch's default of a thread per core they oversubscribed the 2 cores, 5.2 min against 1.7.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# No test may hold a wall-clock bound: hypothesis's per-example deadline (200 ms by default) fails examples
# that are merely slow on a busy machine, so it is switched off for the whole suite.
from hypothesis import settings  # noqa: E402

settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")
