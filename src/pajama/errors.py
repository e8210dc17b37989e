"""Errors by blast radius (DESIGN.md, "Errors by blast radius").

ConfigError   -> exit 2, raised before any work starts.
InputError    -> one input file is unusable; counted under its reason, the job goes on.
RecordError   -> one record is unusable; counted under its reason, the job goes on.
Anything else is a bug and stops the run (a rerun resumes it).
"""

from __future__ import annotations


class PajamaError(Exception):
    """Base class for errors pajama raises on purpose."""


class ConfigError(PajamaError):
    """A bad config or bad usage. `key` names the offending config key (dotted)."""

    exit_code = 2

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}" if key else message)


class InputError(PajamaError):
    """One input cannot be (fully) read. `reason` is a stable dotted name, e.g. `input.truncated`."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason}: {message}")


class RecordError(PajamaError):
    """One record cannot be turned into a document. `reason` is a stable dotted name."""

    def __init__(self, reason: str, message: str = "") -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason}: {message}" if message else reason)


class CheckFailed(PajamaError):
    """A verification found a mismatch (exit 1)."""

    exit_code = 1


class OutputError(PajamaError):
    """The output location cannot be written: the run stops before any work (exit 1)."""

    exit_code = 1
