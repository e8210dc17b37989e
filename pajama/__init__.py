"""pajama: build open pretraining datasets RedPajama-style, with audited, reproducible releases."""

from __future__ import annotations

__version__ = "0.1.0"
