"""Rebuild fineweb2.json from a checkout of huggingface/fineweb-2 (not imported at run time).

    python -m pajama.text.data.build_fineweb2 /path/to/fineweb-2

FineWeb-2 publishes, per language and script, the thresholds and stop words its filtering used
(`configs/{iso639_3}_{Script}.yml`, Apache-2.0; Penedo et al. 2025, arXiv:2506.20920). This keeps them as one
JSON file, keyed by `{iso639_3}_{Script}`, plus the script with the most words per ISO 639-3 code
(from `fineweb2-language-distribution.csv`), so that a code without a script picks the main one.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import yaml

KEYS = (
    "dup_line_frac",
    "dup_n_grams",
    "top_n_grams",
    "line_punct_thr",
    "new_line_ratio",
    "min_avg_word_length",
    "max_avg_word_length",
    "max_non_alpha_words_ratio",
    "language_score",
    "stopwords",
)


def build(root: Path) -> dict[str, object]:
    configs = {}
    for path in sorted((root / "configs").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        configs[path.stem] = {k: raw[k] for k in KEYS if k in raw}
    words: dict[str, tuple[int, str]] = {}
    with open(root / "fineweb2-language-distribution.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            subset = row["subset"]
            if row["split"] != "train" or subset not in configs or not row["words"].isdigit():
                continue
            code, n = row["code"], int(row["words"])
            if n > words.get(code, (-1, ""))[0]:
                words[code] = (n, subset)
    main = {code: subset for code, (_, subset) in sorted(words.items())}
    return {
        "source": "huggingface/fineweb-2 configs/*.yml (Apache-2.0); Penedo et al. 2025, arXiv:2506.20920",
        "main_script": main,
        "configs": configs,
    }


if __name__ == "__main__":
    out = Path(__file__).with_name("fineweb2.json")
    out.write_text(json.dumps(build(Path(sys.argv[1])), ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(out)
