"""How much work one input may cause: one declared table, each limit with its environment variable.

Every path that reads a transcript (the CLI, batch, the web app) goes through the same checks, so a
hostile or broken file gets a clear error instead of minutes of work or gigabytes of memory. A typical
60-minute session has a few hundred turns of a few hundred characters between two or three speakers, so
the defaults leave a wide margin.

>>> Limits().max_turns
10000
>>> Limits.from_env({"EQUIPOISE_MAX_TURNS": "50"}).max_turns
50
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import LimitError, UsageError


@dataclass(frozen=True, slots=True)
class Limit:
    """One declared limit: its name, default and what it bounds."""

    name: str
    default: int
    help: str

    @property
    def env_var(self) -> str:
        return f"EQUIPOISE_{self.name.upper()}"


LIMITS: tuple[Limit, ...] = (
    Limit("max_unpacked_bytes", 64_000_000,
          "Largest total size of the parts inside a DOCX package once unpacked (a small file can "
          "inflate to gigabytes)."),
    Limit("max_lines", 100_000,
          "Most lines in a text transcript, checked before it is parsed (a turn has one or more)."),
    Limit("max_turns", 10_000, "Most turns in one transcript."),
    Limit("max_speakers", 200, "Most distinct speakers in one transcript."),
    Limit("max_turn_chars", 50_000,
          "Longest turn, in characters, before it is labelled (about 8,000 words)."),
    Limit("max_profile_bytes", 40_000_000, "Largest profile (its JSON) that is written or stored."),
    Limit("max_audio_seconds", 10_800,
          "Longest recording, in seconds, decoded for speech recognition (3 hours; decoding stops there. "
          "A recording holds about 40 kB of memory a second, 120 MB for 50 minutes, besides the models)."),
)
_BY_NAME = {limit.name: limit for limit in LIMITS}


@dataclass(frozen=True, slots=True)
class Limits:
    """Validated values of every declared limit (the file size limit is EQUIPOISE_MAX_INPUT_MB)."""

    max_unpacked_bytes: int = _BY_NAME["max_unpacked_bytes"].default
    max_lines: int = _BY_NAME["max_lines"].default
    max_turns: int = _BY_NAME["max_turns"].default
    max_speakers: int = _BY_NAME["max_speakers"].default
    max_turn_chars: int = _BY_NAME["max_turn_chars"].default
    max_profile_bytes: int = _BY_NAME["max_profile_bytes"].default
    max_audio_seconds: int = _BY_NAME["max_audio_seconds"].default

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or value <= 0:
                raise UsageError(f"limit {f.name} must be a positive whole number, got {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """Read ``EQUIPOISE_MAX_*`` variables; unset ones keep their default."""
        environ = os.environ if environ is None else environ
        values = {}
        for limit in LIMITS:
            raw = environ.get(limit.env_var)
            if raw is None or not raw.strip():
                continue
            try:
                values[limit.name] = int(raw)
            except ValueError:
                raise UsageError(f"{limit.env_var} must be a whole number, got {raw!r}") from None
        return cls(**values)


def over(path: object, what: str, value: int, limits: Limits, name: str, *, line: int | None = None,
         unit: str = "line") -> LimitError:
    """The error for an input over the limit ``name``: what, how much, and how to raise it."""
    return LimitError(path, f"{what} ({value:,}) is over the limit of {getattr(limits, name):,}",
                      line=line, unit=unit,
                      hint=f"split the transcript, or raise {_BY_NAME[name].env_var} if this is expected")
