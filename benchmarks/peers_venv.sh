#!/usr/bin/env bash
# Virtualenvs with the peer implementations that pajama is compared against; each stays out of pajama's
# own .venv (and out of each other's) because they pin libraries differently.
#   .venv-peers      datatrove 0.10.1 (the FineWeb authors' code) + spaCy: benchmarks/peers/compare_web.py,
#                    tests/filters/test_fineweb_datatrove.py and `python -m benchmarks peers` use it.
#                    Its English word tokenizer and sentence splitter are spaCy's blank "en" pipeline
#                    (shipped inside the spacy package), so no nltk data or model download is needed.
#   .venv-textdedup  text-dedup 0.4.x (its MinHash + LSH): `python -m benchmarks peers`
#   .venv-datasketch datasketch 2.0 (MinHashLSH): `python -m benchmarks peers`
# Usage: benchmarks/peers_venv.sh [datatrove|textdedup|datasketch ...]   (no argument: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}

make_venv() {  # make_venv DIR CHECK PACKAGE...
  local venv=$1 check=$2
  shift 2
  test -x "$venv/bin/python" || "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q "$@"
  "$venv/bin/python" -c "$check" && echo "peers venv ready: $venv"
}

for peer in "${@:-datatrove textdedup datasketch}"; do
  for p in $peer; do
    case $p in
      # datatrove's core install lacks what its filters import (regex, numpy), its word tokenizers (spacy)
      # and its dedup package (xxhash: MinHash's default hash; tokenizers: imported by pipeline.dedup;
      # orjson: JsonlReader), taken from its [processing] and [io] extras without the rest of them; jieba and
      # SudachiPy with its core dictionary are its Chinese and Japanese word tokenizers' segmenters
      datatrove) make_venv "${PEERS_VENV:-.venv-peers}" "import datatrove, spacy, jieba, sudachipy; spacy.blank('en')" \
        'datatrove==0.10.1' 'spacy>=3.7,<4' regex numpy 'xxhash<4' tokenizers orjson 'jieba>=0.42,<0.43' \
        'sudachipy>=0.6,<0.8' sudachidict-core ;;
      textdedup) make_venv .venv-textdedup "import text_dedup" 'text-dedup>=0.4,<0.5' ;;
      datasketch) make_venv .venv-datasketch "import datasketch" 'datasketch>=2.0,<2.1' ;;
      *) echo "unknown peer $p (datatrove, textdedup, datasketch)" >&2; exit 2 ;;
    esac
  done
done
