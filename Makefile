# The two README commands: `make demo` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench setup system-demo system-test clean
PDFJS := tests/pdfjs/node_modules/.package-lock.json

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# pdf.js (npm pdfjs-dist) as a client of the tests; the optional canvas packages are for drawing, not needed.
$(PDFJS): tests/pdfjs/package-lock.json
	cd tests/pdfjs && npm ci --omit=optional --no-audit --no-fund
	touch $(PDFJS)

system-demo:
	@scripts/system-deps.sh demo

system-test:
	@scripts/system-deps.sh test

demo: setup system-demo
	$(BIN)/aitk-forms lint
	$(BIN)/aitk-forms build --out build
	rm -rf samples demo-store.db demo-store.db-*
	$(BIN)/aitk-forms sample --count 36 --build build-rounds/2025 --out samples/2025 --round 2025
	$(BIN)/aitk-forms sample --count 36 --build build-rounds/2026 --out samples/2026 --round 2026
	$(BIN)/aitk-forms import samples/2025 --store demo-store.db --out report
	$(BIN)/aitk-forms import samples/2026 --store demo-store.db --out report
	$(BIN)/python scripts/demo_campaign.py
	@echo "Forms in build/, filled samples of two rounds in samples/, store demo-store.db, reports of the latest round in report/"

test: setup system-test $(PDFJS)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/pytest -n 2 -q

lint: setup
	$(BIN)/aitk-forms lint

bench: setup system-demo
	$(BIN)/python -m benchmarks

clean:
	rm -rf build build-rounds report samples demo-store.db demo-store.db-* demo-campaign .pytest_cache
