"""pajama: build open pretraining datasets RedPajama-style, with audited, reproducible releases."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "load":  # pajama.load(DIR or URI, source=...): read a release (lazy: keeps `import pajama` light)
        from pajama.loading import load

        return load
    raise AttributeError(f"module 'pajama' has no attribute {name!r}")
