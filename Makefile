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

demo: $(STAMP)
	$(BIN)/actjepa demo

# Formatted with `ruff format`; the rest of the tree joins in one pass once the branches editing it have landed.
FORMATTED := actjepa_common benchmarks tests/actjepa_common tests/benchmarks world_model/train.py \
	world_model/metrics_log.py world_model/resume.py tests/world_model/test_metrics_log.py \
	tests/planner/test_config_derivation.py

test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check $(FORMATTED)
	$(BIN)/python -m pytest -q -n 2

clean:
	rm -rf $(VENV) build *.egg-info
