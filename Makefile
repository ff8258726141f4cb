# The CPO Playbook. Two commands on a fresh machine with Python 3.11, pip and make:
#   make playbook   set up .venv, run the notebooks on the sample company, build the book
#   make test       the whole test suite, notebooks included
# Each first installs the system packages it needs (scripts/system-packages).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: playbook test bench lab sample clean help

help:
	@echo "make playbook   set up $(VENV), run the notebooks on the sample company, build the book"
	@echo "make test       run the whole test suite (pytest and nbval on the notebooks)"
	@echo "make bench      benchmarks: the sample generator, the metrics at 10M and 100M events, cpo-kit run, cpo-kit import"
	@echo "make lab        open the notebooks in JupyterLab, to change a parameter and rerun"
	@echo "make sample     regenerate data/sample (it must not change)"
	@echo "make clean      remove the built book and executed notebooks"

SYSTEM := PYTHON=$(PYTHON) bash scripts/system-packages

$(BIN)/python:
	@$(SYSTEM) venv
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the pins or the package's metadata change.
$(INSTALLED): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The notebooks run once, into runs/<date>-<hash>/; the book is built from that run.
# Chromium prints the report's PDF: without it, the playbook is built without the PDF.
playbook: $(INSTALLED)
	@$(SYSTEM) playbook
	$(BIN)/cpo-kit run data/sample --params data/brightlane.yml
	$(BIN)/cpo-kit publish runs/latest

# The tests need Chromium, Java and PostgreSQL's server: without them, make test stops at
# once and says how.
test: $(INSTALLED)
	@$(SYSTEM) test
	$(BIN)/python -m pytest

bench: $(INSTALLED)
	$(BIN)/python bench/sample_scale.py
	$(BIN)/python bench/kpi.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/imports.py

# JupyterLab opens the MyST markdown notebooks as notebooks (jupytext's viewer), not as text.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_SETTINGS): | $(INSTALLED)
	mkdir -p $(dir $@)
	echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' > $@

lab: $(INSTALLED) $(LAB_SETTINGS)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(LAB_ARGS)

sample: $(INSTALLED)
	$(BIN)/cpo-kit sample data/sample --seed 0

clean:
	rm -rf _build notebooks/*.ipynb
