# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format install migrate check-config routes bench soak clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@if [ ! -f .env ] && [ -z "$$BOT_TOKEN" ]; then \
	  echo "No BOT_TOKEN configured. Do this once:"; \
	  echo "  1. In Telegram, talk to @BotFather, send /newbot and copy the token it gives you."; \
	  echo "  2. cp .env.example .env"; \
	  echo "  3. Put the token in .env as BOT_TOKEN=123456:ABC... and run 'make run' again."; \
	  exit 1; \
	fi
	$(PY) -m bot run

migrate: $(STAMP)
	$(PY) -m bot migrate

check-config: $(STAMP)
	$(PY) -m bot check-config

# Every command (aliases, who, where, menu), gate, button route, deep link and item function.
routes: $(STAMP)
	@$(PY) -m bot routes

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The long reliability runs (tests marked `soak`): ≥ 20 SIGKILL crash-restarts of the real process
# and ≥ 5,000 fuzzed commands. Figures are printed. CRASH_SEED / CRASH_KILLS / SOAK_FUZZ_EXAMPLES
# override the defaults.
soak: $(STAMP)
	$(VENV)/bin/pytest -m soak -s

# Benchmarks (run by hand, never in `make test`): per-update cost against a bare PTB bot,
# province scale (1,000 committees × 1,000 tasks) and the rate-limited fan-out. About 4 minutes;
# writes bench/RESULTS.md with the machine, date and commit.
bench: $(STAMP)
	$(PY) -m bench.run_all
