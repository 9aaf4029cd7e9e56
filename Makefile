# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The frontend's pure modules (layout, formatting) run under Node's built-in test runner.
NODE ?= node
# `make run` is one person's server on their own machine: the page may download published
# weights into WEIGHTS_DIR (the server's default, for shared servers, is off).
ALLOW_WEIGHT_DOWNLOADS ?= true

.PHONY: install install-dev run test lint format bench clean

$(VENV)/.installed-app: pyproject.toml
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-app
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed-app
install-dev: $(VENV)/.installed-dev

run: install
	ALLOW_WEIGHT_DOWNLOADS=$(ALLOW_WEIGHT_DOWNLOADS) $(PY) -m backend.server --host $(HOST) --port $(PORT)

# ESLint, pinned in package.json/package-lock.json, lints the page's modules and their node tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

lint: install-dev node_modules/.installed
	$(PY) -m ruff check backend tests bench scripts
	node_modules/.bin/eslint frontend eslint.config.js

test: lint
	$(NODE) --test frontend/tests/
	$(PY) -m pytest

format: install-dev
	$(PY) -m ruff check --fix backend tests bench scripts
	$(PY) -m ruff format backend tests bench scripts

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts

bench: install-dev
	$(PY) -m bench.run

# Slow (builds the image): not part of `make test`. See scripts/docker-check.sh for its knobs,
# e.g. `make docker-test DOCKER_BUILD_FLAGS="--network host" TORCH_INDEX=default`.
.PHONY: docker-test
docker-test:
	scripts/docker-check.sh

# Long load on loopback (not part of `make test`, whose tests/test_load.py is the short form):
# a uvicorn child process, 32 clients, mixed and hostile requests; stops by itself after
# SOAK_SECONDS or SOAK_REQUESTS and exits non-zero on any wrong or missing answer.
SOAK_SECONDS ?= 180
SOAK_REQUESTS ?= 200000
.PHONY: soak
soak: install-dev
	$(PY) -m scripts.soak --seconds $(SOAK_SECONDS) --requests $(SOAK_REQUESTS) --concurrency 32

# Issue 19's attacks against a real server, each with /health, cached-summary and prediction
# probes (tests/test_attacks.py is the short form); exits non-zero on any failure.
.PHONY: attacks
attacks: install-dev
	$(PY) -m scripts.attacks
