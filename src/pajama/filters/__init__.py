"""Signals, filters, presets, language id, quality classifier, PII and license checks."""
