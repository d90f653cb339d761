"""Errors that know their exit code.

The library raises these; only the CLI prints them and exits.  Exit codes are part of the
documented interface: 0 ok, 1 validation failed or a publish failed, 2 bad input or usage.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2


class UnldError(Exception):
    """Base class: a message a person can act on, and the exit code it deserves."""

    exit_code = EXIT_BAD_INPUT


class InputError(UnldError):
    """A source file that cannot be read as a resolution.

    Names the file, the line (when one is to blame) and what was expected.
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class UsageError(UnldError):
    """An option or argument that cannot work (a malformed base IRI, a missing folder)."""


class PublishError(UnldError):
    """Loading into a SPARQL endpoint failed."""

    exit_code = EXIT_INVALID


class ValidationFailed(UnldError):
    """The graph does not conform to the shapes."""

    exit_code = EXIT_INVALID
