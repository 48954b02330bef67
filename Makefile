# `make run` and `make test` each create .venv with a Python >= 3.12 if it is missing.
# A Python is taken from PYTHON=..., else the first >= 3.12 on PATH, else pyenv's versions folder
# (pyenv's python3.12 shim fails unless that version is selected, so each candidate is tried).
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V -r); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: run test bench lint clean notebooks app

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.12 found; pass PYTHON=/path/to/python3.12" >&2; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# The main job: a batch of the main scenario (every arm x replication, resumable), then the
# paired comparison (printed, and CSV) and the report. `make run SCENARIO=... REPS=... WORKERS=...`
SCENARIO ?= scenarios/lov_vs_authorisation.toml
REPS ?= 5
WORKERS ?= 2
# where `reformsim batch` writes: results/<scenario name>/batch (scenario names are file names)
RESULTS ?= results/$(basename $(notdir $(SCENARIO)))/batch

run: $(VENV)/.installed
	$(VENV)/bin/reformsim batch $(SCENARIO) --reps $(REPS) --workers $(WORKERS)
	$(VENV)/bin/reformsim compare $(RESULTS)
	$(VENV)/bin/reformsim report $(RESULTS) --files-only

test: $(VENV)/.installed
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(VENV)/bin/reformsim bench

# JupyterLab on notebooks/ (installed into .venv the first time), and the web page
notebooks: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[notebooks]'
	cd notebooks && ../$(VENV)/bin/jupyter lab

PORT ?= 8765
app: $(VENV)/.installed
	$(VENV)/bin/reformsim app --port $(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check sim tests

clean:
	rm -rf $(VENV) .pytest_cache
