# The two commands in the README: `make demo` and `make test`. Both create/update .venv themselves.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: demo test install-demo install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.demo-stamp: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[report]'
	touch $@

$(VENV)/.test-stamp: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[test]'
	touch $@

install-demo: $(VENV)/.demo-stamp
install-test: $(VENV)/.test-stamp

demo: install-demo
	$(BIN)/prefcraft info src/prefcraft/data/task_api_sample.jsonl

test: install-test
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python benchmarks/read_speed.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
