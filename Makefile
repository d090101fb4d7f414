# iml-ls developer entry points. Two commands do everything on a fresh machine:
#   make demo   set up .venv, check the bundled example app and preview its JWT
#   make test   install the Debian packages the editor tests need (.ci/system-packages: as root, or it
#               prints the command), set up .venv and the node helpers, then lint, type-check and run every test
#   make dist   the wheel, the sdist and the VS Code .vsix (with the server inside) in dist/
#
# One target per job; `test` depends on all of them, so a new job (bench, fuzz, editor tests) is a
# new target plus one word in `test`'s prerequisites. Tools run from .venv/bin, never an activated
# shell; their caches live under .cache/ (ignored by git).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
CACHE := $(CURDIR)/.cache

export PIP_CACHE_DIR := $(CACHE)/pip
export npm_config_cache := $(CACHE)/npm
export RUFF_CACHE_DIR := $(CACHE)/ruff
export MYPY_CACHE_DIR := $(CACHE)/mypy
export HYPOTHESIS_STORAGE_DIRECTORY := $(CACHE)/hypothesis
PYTEST_CACHE := -o cache_dir=$(CACHE)/pytest

# node_modules of each folder with a package-lock.json the tests use; `npm ci` reruns when it changes.
NODE_PROJECTS := tests/parity tests/lsp/strict-client
NODE_STAMPS := $(addsuffix /node_modules/.installed,$(NODE_PROJECTS))

EXAMPLE_APP := examples/make-app
JWT_CONNECTION := $(EXAMPLE_APP)/connections/jwt-auth/jwt-auth.communication.iml.json

.PHONY: demo test system-deps venv node-deps lint typecheck pytest vscode dist bench fuzz clean

demo: $(VENV_STAMP)
	$(BIN)/iml-ls check $(EXAMPLE_APP)
	$(BIN)/iml-ls preview $(JWT_CONNECTION) --now 1700000000

test: system-deps lint typecheck pytest vscode

system-deps:
	.ci/system-packages

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || { echo 'make: $(PYTHON) -m venv failed; on Debian or Ubuntu: sudo apt-get install python3-venv' >&2; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node-deps: $(NODE_STAMPS)

%/node_modules/.installed: %/package.json %/package-lock.json
	npm ci --prefix $* --no-audit --no-fund
	touch $@

# benchmarks/ joins the lint once it exists.
LINT_PATHS := server tests $(wildcard benchmarks)

lint: $(VENV_STAMP)
	$(BIN)/ruff check $(LINT_PATHS)

typecheck: $(VENV_STAMP)
	$(BIN)/mypy

pytest: $(VENV_STAMP) $(NODE_STAMPS)
	$(BIN)/pytest $(PYTEST_CACHE)

# The VS Code extension: build, grammar and unit tests, .vsix, and a run in code-server (editors/vscode/test.sh).
vscode: $(VENV_STAMP)
	editors/vscode/test.sh

# What a user installs: dist/iml_ls-VERSION-py3-none-any.whl (`pipx install` it), the sdist, and
# dist/iml-ls-VERSION.vsix, which carries that wheel and its dependencies (no terminal step needed).
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
dist: $(VENV_STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	IML_LS_WHEEL=$(CURDIR)/dist/iml_ls-$(VERSION)-py3-none-any.whl editors/vscode/test.sh deps build bundle package
	cp editors/vscode/out/iml-ls.vsix dist/iml-ls-$(VERSION).vsix
	ls -l dist

# Timings against a do-nothing floor and vscode-json, all sizes, 5 repetitions (not part of `test`).
bench: $(VENV_STAMP) benchmarks/node_modules/.installed
	$(BIN)/python -m benchmarks.run --repetitions 5 --output docs/performance.md --json .cache/bench-raw.json

# Deep fuzzing (tens of minutes): thousands of generated documents per property, long edit sequences,
# and 20,000 random jwt() calls and 20,000 random connection-file requests against node's jsonwebtoken.
fuzz: $(VENV_STAMP) $(NODE_STAMPS)
	HYPOTHESIS_PROFILE=deep IML_FUZZ_SEQUENCES=40 IML_FUZZ_EDITS=250 $(BIN)/pytest $(PYTEST_CACHE) -q -o timeout=0 tests/fuzz
	IML_PARITY_CASES=20000 IML_PARITY_CONNECTION_CASES=20000 $(BIN)/pytest $(PYTEST_CACHE) -q -o timeout=0 tests/parity

clean:
	rm -rf $(VENV) .cache dist $(addsuffix /node_modules,$(NODE_PROJECTS))
