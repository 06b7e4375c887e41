"""The one error a command raises for bad input on the command line or in the environment."""

from __future__ import annotations


class UsageError(Exception):
    """A bad option value, combination or environment variable: the CLI says which, with the
    subcommand's usage when ``usage`` is set, and exits with status 2."""

    def __init__(self, message: str, usage: bool = True) -> None:
        super().__init__(message)
        self.usage = usage
