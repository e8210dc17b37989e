"""License detection: SPDX reference texts, file and header matching, package metadata, expressions.

A leaf package: readers (github, books ...) and the `license` filter both use it; it imports only the core.
"""
