"""Suite-wide settings.

The planner compiles its search with torch.compile where it can (planner/compilation.py). Compiling costs
seconds per new shape, and the suite plans with hundreds of shapes, so the suite plans eagerly (also in the
CLI processes it starts) and tests/planner/test_compile.py checks the compiled path against the eager one.
"""

import os

os.environ.setdefault("TORCH_COMPILE_DISABLE", "1")

# No test may hold a wall-clock bound: hypothesis's per-example deadline (200 ms by default) fails examples
# that are merely slow on a busy machine, so it is switched off for the whole suite.
from hypothesis import settings  # noqa: E402

settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")
