"""Manifest schema, builder, verify, trace, diff, datasheet and report."""
