# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create .venv if it is missing and install the project into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A CPU wheel of this release ships with the reference machines; on a CUDA
# machine set TORCH_SPEC to the build you want (e.g. TORCH_SPEC=torch).
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.installed
export MUJOCO_GL ?= egl

.PHONY: demo test install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The demo records its whole wall time, set-up included, from this moment (when make reads the Makefile).
DEMO_STARTED_AT := $(shell date +%s.%N)

demo: $(STAMP)
	$(BIN)/actjepa demo --started-at $(DEMO_STARTED_AT)

test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	mkdir -p build/typecheck/actjepa && ln -sfn ../../../planner build/typecheck/actjepa/planner && $(BIN)/python -m mypy
	$(BIN)/python -m pytest -q -n 2

clean:
	rm -rf $(VENV) build *.egg-info
