# iml-ls: `make demo` runs the checker and the token preview on the bundled example app;
# `make test` runs every check CI runs. Both set up what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_DEPS := tests/parity/node_modules/.installed tests/lsp/strict-client/node_modules/.installed
EXAMPLE := examples/make-app
JWT_CONNECTION := $(EXAMPLE)/connections/jwt-auth/jwt-auth.communication.iml.json

.PHONY: demo test lint typecheck pytest fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

%/node_modules/.installed: %/package.json %/package-lock.json
	npm ci --prefix $* --no-audit --no-fund
	touch $@

demo: $(STAMP)
	@echo "== iml-ls check $(EXAMPLE)  (a correct app: no problems expected)"
	$(BIN)/iml-ls check $(EXAMPLE)
	@echo
	@echo "== iml-ls check examples/broken-app  (every mistake iml-ls can catch, planted on purpose)"
	-$(BIN)/iml-ls check examples/broken-app
	@echo
	@echo "== iml-ls preview: the token Make would send, at a fixed clock"
	$(BIN)/iml-ls preview $(JWT_CONNECTION) --samples examples/samples/jwt-auth.samples.json --now 1700000000

lint: $(STAMP)
	$(BIN)/ruff check server tests
	$(BIN)/ruff format --check server

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(NODE_DEPS)
	$(BIN)/pytest -q

test: lint typecheck pytest

# Deep fuzzing (minutes): thousands of generated documents per property, long random edit sequences.
fuzz: $(STAMP) $(NODE_DEPS)
	HYPOTHESIS_PROFILE=deep IML_FUZZ_SEQUENCES=40 IML_FUZZ_EDITS=250 $(BIN)/pytest -q tests/fuzz

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache tests/parity/node_modules tests/lsp/strict-client/node_modules
