"""One exception hierarchy for the library; the edges (CLI, web) turn these into user messages.

Messages say what went wrong and where (file, line or cue, turn index) and what to do. They never quote
transcript text: transcripts are protected health information.
"""

from __future__ import annotations

from pathlib import Path


class EquipoiseError(Exception):
    """Base class of every error Equipoise raises on purpose."""


class InputError(EquipoiseError):
    """A transcript file could not be read. Names the file and, where known, the line or cue."""

    def __init__(self, path: str | Path | None, message: str, *, line: int | None = None,
                 hint: str | None = None, unit: str = "line") -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.unit = unit
        self.reason = message
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}, {self.unit} {self.line}"
        text = f"{where}: {self.reason}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class UsageError(EquipoiseError):
    """A caller asked for something that does not exist or does not fit (an unknown format, role ...)."""


class LimitError(InputError):
    """An input is over one of the declared limits of work (see :mod:`equipoise.limits`)."""


class BusyError(EquipoiseError):
    """The work cannot start now: the places for it are taken (see :mod:`equipoise.web.budget`)."""


class RequirementError(EquipoiseError):
    """An analyser cannot run because an input it requires is missing."""


class InputRequirementError(RequirementError):
    """This input cannot be read here (a recording without the audio extra), while other inputs can: a run
    over several inputs fails this one and goes on, as for a bad file."""
