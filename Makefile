# One set of targets for people and CI. A fresh machine needs only python3 (3.11+) and apt.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: install demo test test-fast lint typecheck bench bench-long eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	# Resemblyzer ships the voice-encoder weights we run in numpy; its declared deps pull torch.
	$(BIN)/pip install -q --no-deps resemblyzer==0.1.4
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/clearnote demo

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not slow"

bench: install
	$(BIN)/python -m tests.bench asr diarize

# the 90-minute memory run (about 10-15 minutes on a 2-core machine)
bench-long: install
	$(BIN)/python -m tests.bench.bench_asr --only memory --long-minutes 90

eval: install
	$(BIN)/python -m tests.bench eval

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
