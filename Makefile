# The two README commands: `make demo` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench setup system-demo system-test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

system-demo:
	@scripts/system-deps.sh demo

system-test:
	@scripts/system-deps.sh test

demo: setup system-demo
	$(BIN)/aitk-forms lint
	$(BIN)/aitk-forms build --out build
	rm -rf samples
	$(BIN)/aitk-forms sample --count 36 --build build --out samples
	$(BIN)/aitk-forms import samples --out report
	@echo "Forms in build/, filled samples in samples/, reports in report/"

test: setup system-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/pytest -n 2 -q

lint: setup
	$(BIN)/aitk-forms lint

bench: setup system-demo
	$(BIN)/python -m benchmarks

clean:
	rm -rf build report samples .pytest_cache
