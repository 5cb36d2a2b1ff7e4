# The two commands of the README's quick start. Each sets up .venv itself, so a fresh
# machine with Python 3.11+ needs nothing installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play test lint fuzz soak bench load check calibrate saves clean

# constraints.txt pins every package, direct or not, so every machine installs the same set.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

play: $(STAMP)
	$(BIN)/wargame

# One test process per core (pytest-xdist); each test still runs alone in its process.
test: lint
	$(BIN)/python -m pytest -q -n auto

# The layers of the README as import contracts (pyproject.toml), then the code's style.
lint: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check wargame tests

# The families of hostile files and arguments, for longer: far more Hypothesis examples each.
FUZZ = $(wildcard tests/test_files_*.py tests/test_bad_data_*.py) tests/test_saves.py
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=soak $(BIN)/python -m pytest -q $(FUZZ)

# The batch engine against the table's engine, for far longer than CI: thousands of games over
# seeds, scenarios, seats and forced starts, each checked turn by turn (outside CI: it takes hours).
SOAK = tests/test_batch_equal.py tests/test_batch_bots.py tests/test_batch_compile.py tests/test_batch_view.py tests/test_batch_legality.py
soak: $(STAMP)
	HYPOTHESIS_PROFILE=soak $(BIN)/python -m pytest -q $(SOAK)

check: $(STAMP)
	$(BIN)/wargame check

# Play bot games and judge the balance targets of rules/targets.toml (exit 1 if any is missed).
calibrate: $(STAMP)
	$(BIN)/wargame calibrate

bench: $(STAMP)
	$(BIN)/wargame bench
	$(BIN)/wargame bench --saves

# The server under load (outside CI): 20 exercises at once, 5 clients each, 3 turns; prints the
# time from a turn's last order to its results at the clients, and the server's peak memory.
load: $(STAMP)
	$(BIN)/python scripts/load.py

# Remake the example saves after changing rules/ or decks/ (the tests check they verify).
saves: $(STAMP)
	$(BIN)/python -m wargame.table.examples

clean:
	rm -rf $(VENV)
