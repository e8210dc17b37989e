"""The build layer: the only code that knows every stage (sources, filters, dedup, tokenization, manifests).

plan -> map (per input) -> dedup -> write (per shard) -> manifest, and refilter over a release.
"""
