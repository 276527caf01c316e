"""Errors the simulator raises on purpose.

Each carries a message written for the person at the terminal: the CLI prints
``str(error)`` on one line and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Sequence


class JalertError(Exception):
    """Base class of every error that the CLI turns into one line and exit code 2."""


class InputError(JalertError, ValueError):
    """A parameter is missing, not a number, or outside its allowed range."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")


class UnknownNameError(InputError):
    """A launch site, landmark, prefecture or scenario name that is not in the catalogue."""

    def __init__(self, parameter: str, name: str, suggestions: Sequence[str] = ()):
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f" (did you mean {', '.join(repr(s) for s in self.suggestions)}?)" if self.suggestions else ""
        super().__init__(parameter, f"unknown {parameter} {name!r}{hint}")


class TrajectoryError(InputError):
    """The requested combination of apogee and range cannot be flown (e.g. needs orbital speed)."""


class DataError(JalertError):
    """A data file that ships with the package is missing or corrupt."""


class WorkerError(JalertError):
    """A worker process of a batch died (killed by a signal, out of memory): the batch stops."""
