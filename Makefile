# One command means green: `make check` (set-up, format, lint, types, tests).
# `make serve` sets everything up and starts the portal.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system serve check fmt lint types test bench clean messages

# Installs exactly the versions in requirements.lock (what `make audit` checks), so a new upstream
# release can neither change a fresh machine's environment nor fail the audit's lock comparison.
$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock pip setuptools
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Debian packages, then the JSON-stat reference toolkit the client tests run: exactly the lockfile,
# again whenever the lockfile changes (Node and npm come from the Debian step, hence the sub-make).
NODE_CLIENT := tests/clients/node
NODE_STAMP := $(NODE_CLIENT)/node_modules/.installed
system:
	bash scripts/system-deps.sh
	$(MAKE) --no-print-directory $(NODE_STAMP)

$(NODE_STAMP): $(NODE_CLIENT)/package-lock.json
	cd $(NODE_CLIENT) && npm ci --no-audit --no-fund
	touch $@

serve: setup
	$(BIN)/oppvekst serve

fmt: setup
	$(BIN)/ruff format src tests bench

lint: setup
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

types: setup
	$(BIN)/mypy

test: setup system
	$(BIN)/pytest -n 2 --dist loadgroup

check: lint types test

bench: setup
	$(BIN)/python -m bench

# Extract the bokmål messages (templates: domain `pages`, Python: `messages`) and update the nynorsk
# and English catalogues in src/oppvekst/locale; then translate the new empty entries. No .mo files
# to build: the portal compiles the .po in memory at start-up (docs/languages.md).
messages: setup
	$(BIN)/python -m oppvekst.translations

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

.PHONY: bench-load bench-scale audit

bench-load: setup system
	$(BIN)/python -m bench --update load

bench-scale: setup system
	$(BIN)/python -m bench --update scale

# Audits requirements.lock with PyPI's project JSON (yanked pins, advisories on pins at the latest
# release, lock = environment), and runs `pip-audit --strict -r requirements.lock` too when its
# service answers. Exit 1 = findings, 2 = the audit could not run. See docs/quality.md.
audit: setup
	$(BIN)/python scripts/audit_dependencies.py
