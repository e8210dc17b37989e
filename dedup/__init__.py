"""pajama."""
