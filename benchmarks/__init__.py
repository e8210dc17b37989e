"""Throughput and memory benchmarks (never timed tests). `python -m benchmarks --help`."""
