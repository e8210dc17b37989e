#!/usr/bin/env bash
# A separate virtualenv with the reference implementations that pajama's presets are compared against
# (benchmarks/peers/compare_web.py and tests/filters/test_fineweb_datatrove.py use it when it exists).
# datatrove 0.10.1 is the FineWeb authors' code; its English word tokenizer and sentence splitter are
# spaCy's blank "en" pipeline (shipped inside the spacy package), so no nltk data or model download is needed.
# It stays out of pajama's own .venv: datatrove pins trafilatura and other libraries differently.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${PEERS_VENV:-.venv-peers}
PY=${PY:-python3}
test -x "$VENV/bin/python" || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# datatrove's core install lacks what its filters import (regex, numpy) and its word tokenizers (spacy)
"$VENV/bin/python" -m pip install -q 'datatrove==0.10.1' 'spacy>=3.7,<4' regex numpy
"$VENV/bin/python" -c "import datatrove, spacy; spacy.blank('en'); print('peers venv ready:', '$VENV')"
