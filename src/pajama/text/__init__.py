"""Text utilities every layer may use: language identification, words per language."""
